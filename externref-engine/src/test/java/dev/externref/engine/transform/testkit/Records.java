package dev.externref.engine.transform.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds the payload of an {@code __externrefs} custom section as ABI.md lays it out: records
 * of kind (u32 LE, {@code 0xFFFFFFFF} for an export, else the length of the import's module
 * name followed by that name), name (u32 LE length + UTF-8), bit count (u32 LE) and
 * {@code ceil(B/8)} bytes of bits, least significant first. Written independently of the
 * engine's parser, so that the two can disagree.
 */
public final class Records {
    /** The custom section's name. */
    public static final String SECTION = "__externrefs";

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private Records() {
    }

    public static Records of() {
        return new Records();
    }

    /** A record for export {@code name} with {@code bitCount} positions, {@code refs} set. */
    public Records export(String name, int bitCount, int... refs) {
        u32(0xFFFF_FFFF);
        string(name);
        bits(bitCount, refs);
        return this;
    }

    /** A record for import {@code module.name}. */
    public Records importFn(String module, String name, int bitCount, int... refs) {
        byte[] m = module.getBytes(StandardCharsets.UTF_8);
        u32(m.length);
        out.writeBytes(m);
        string(name);
        bits(bitCount, refs);
        return this;
    }

    /** Arbitrary bytes, for malformed sections. */
    public Records raw(byte... bytes) {
        out.writeBytes(bytes);
        return this;
    }

    /** A u32 little-endian. */
    public Records u32(int v) {
        out.write(v);
        out.write(v >>> 8);
        out.write(v >>> 16);
        out.write(v >>> 24);
        return this;
    }

    private void string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u32(b.length);
        out.writeBytes(b);
    }

    private void bits(int count, int... refs) {
        u32(count);
        byte[] b = new byte[(count + 7) / 8];
        for (int r : refs) {
            b[r / 8] |= (byte) (1 << (r % 8));
        }
        out.writeBytes(b);
    }

    /** The section payload. */
    public byte[] bytes() {
        return out.toByteArray();
    }

    /** {@code module} with these records appended as an {@code __externrefs} custom section. */
    public byte[] appendTo(byte[] module) {
        return Modules.withCustomSection(module, SECTION, bytes());
    }
}
