package dev.externref.engine.format;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Hand-encodes small modules, for the features the WAT assembler does not support (tail calls,
 * exceptions, GC, threads, memory64) and for encodings it never produces (padded LEB128s).
 * Sections are written in the order they are required to appear; entries are raw bytes.
 */
final class ModuleBuilder {
    private final Map<Integer, List<byte[]>> sections = new TreeMap<>((a, b) -> Section.rank(a) - Section.rank(b));
    private final List<byte[]> customs = new ArrayList<>();
    private byte[] start;

    static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return out;
    }

    static byte[] concat(byte[]... parts) {
        ByteWriter w = new ByteWriter(64);
        for (byte[] p : parts) {
            w.bytes(p);
        }
        return w.toByteArray();
    }

    static byte[] u32(long v) {
        return new ByteWriter(5).u32(v).toByteArray();
    }

    /** An unsigned LEB128 padded to {@code width} bytes, as rustc/LLVM emits relocatable indices. */
    static byte[] padded(long v, int width) {
        return new ByteWriter(width).leb(v, width, false).toByteArray();
    }

    static byte[] name(String s) {
        return new ByteWriter(16).name(s).toByteArray();
    }

    ModuleBuilder entry(int section, byte[] entry) {
        sections.computeIfAbsent(section, k -> new ArrayList<>()).add(entry);
        return this;
    }

    /** A function type entry {@code 0x60 params results}, value types as single bytes. */
    ModuleBuilder funcType(int[] params, int[] results) {
        ByteWriter w = new ByteWriter(8).u8(0x60).u32(params.length);
        for (int p : params) {
            w.u8(p);
        }
        w.u32(results.length);
        for (int r : results) {
            w.u8(r);
        }
        return entry(Section.TYPE, w.toByteArray());
    }

    ModuleBuilder type(byte[] rawEntry) {
        return entry(Section.TYPE, rawEntry);
    }

    ModuleBuilder importFunction(String module, String field, int type) {
        return entry(Section.IMPORT, concat(name(module), name(field), bytes(0x00), u32(type)));
    }

    ModuleBuilder importRaw(String module, String field, byte[] desc) {
        return entry(Section.IMPORT, concat(name(module), name(field), desc));
    }

    /** A defined function: its type, and its body (locals and code, without the size). */
    ModuleBuilder function(int type, byte[] body) {
        entry(Section.FUNCTION, u32(type));
        return entry(Section.CODE, body);
    }

    /** A body without locals: {@code 0x00} then the code, which must end with {@code end}. */
    static byte[] body(byte[]... code) {
        return concat(bytes(0x00), concat(code));
    }

    ModuleBuilder table(byte[] entry) {
        return entry(Section.TABLE, entry);
    }

    ModuleBuilder memory(byte[] limits) {
        return entry(Section.MEMORY, limits);
    }

    ModuleBuilder global(byte[] entry) {
        return entry(Section.GLOBAL, entry);
    }

    ModuleBuilder tag(int type) {
        return entry(Section.TAG, concat(bytes(0x00), u32(type)));
    }

    ModuleBuilder export(String field, int kind, int index) {
        return entry(Section.EXPORT, concat(name(field), bytes(kind), u32(index)));
    }

    ModuleBuilder start(int function) {
        this.start = u32(function);
        return this;
    }

    ModuleBuilder element(byte[] entry) {
        return entry(Section.ELEMENT, entry);
    }

    ModuleBuilder data(byte[] entry) {
        return entry(Section.DATA, entry);
    }

    ModuleBuilder custom(String name, byte[] payload) {
        customs.add(concat(name(name), payload));
        return this;
    }

    byte[] build() {
        ByteWriter w = new ByteWriter(256).bytes(bytes(0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00));
        boolean startWritten = false;
        for (Map.Entry<Integer, List<byte[]>> s : sections.entrySet()) {
            if (!startWritten && start != null && Section.rank(s.getKey()) > Section.rank(Section.START)) {
                section(w, Section.START, start);
                startWritten = true;
            }
            ByteWriter content = new ByteWriter(64).u32(s.getValue().size());
            for (byte[] e : s.getValue()) {
                if (s.getKey() == Section.CODE) {
                    content.u32(e.length);
                }
                content.bytes(e);
            }
            section(w, s.getKey(), content.toByteArray());
        }
        if (!startWritten && start != null) {
            section(w, Section.START, start);
        }
        for (byte[] c : customs) {
            section(w, Section.CUSTOM, c);
        }
        return w.toByteArray();
    }

    private static void section(ByteWriter w, int id, byte[] content) {
        w.u8(id).u32(content.length).bytes(content);
    }

    /** A {@code name} section payload: function names and local names. */
    static byte[] nameSection(String moduleName, Map<Integer, String> functions, Map<Integer, Map<Integer, String>> locals) {
        ByteWriter out = new ByteWriter(64);
        if (moduleName != null) {
            byte[] n = name(moduleName);
            out.u8(0).u32(n.length).bytes(n);
        }
        ByteWriter f = new ByteWriter(64).u32(functions.size());
        new TreeMap<>(functions).forEach((i, n) -> f.u32(i).name(n));
        out.u8(1).u32(f.size()).bytes(f.toByteArray());
        ByteWriter l = new ByteWriter(64).u32(locals.size());
        new TreeMap<>(locals).forEach((fn, map) -> {
            l.u32(fn).u32(map.size());
            new TreeMap<>(map).forEach((i, n) -> l.u32(i).name(n));
        });
        out.u8(2).u32(l.size()).bytes(l.toByteArray());
        return out.toByteArray();
    }
}
