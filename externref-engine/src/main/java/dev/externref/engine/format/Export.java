package dev.externref.engine.format;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An export: a name and an index in the space of its kind. The name (validated UTF-8) stays in
 * the module's bytes until asked for: some modules export tens of thousands of functions under
 * megabytes of mangled names that nobody reads.
 */
public final class Export {
    private final byte[] module;
    private final int nameStart;
    private final int nameLength;
    private final ExternalKind kind;
    private final int index;
    private final int offset;
    private String name;

    Export(byte[] module, int nameStart, int nameLength, ExternalKind kind, int index, int offset) {
        this.module = module;
        this.nameStart = nameStart;
        this.nameLength = nameLength;
        this.kind = kind;
        this.index = index;
        this.offset = offset;
    }

    public String name() {
        String n = name;
        if (n == null) {
            name = n = new String(module, nameStart, nameLength, StandardCharsets.UTF_8);
        }
        return n;
    }

    /** The name's length in UTF-8 bytes, known without decoding it. */
    public int nameLength() {
        return nameLength;
    }

    /** Whether the name is {@code utf8}, compared without decoding it. */
    public boolean nameIs(byte[] utf8) {
        return Arrays.equals(module, nameStart, nameStart + nameLength, utf8, 0, utf8.length);
    }

    public ExternalKind kind() {
        return kind;
    }

    /** The index in the space of {@link #kind}. */
    public int index() {
        return index;
    }

    /** Offset of the export entry in the module. */
    public int offset() {
        return offset;
    }

    @Override
    public String toString() {
        return "export '" + name() + "' " + kind + " " + index;
    }
}
