package dev.externref.engine.format;

import java.util.Map;
import java.util.TreeMap;

/** Reads the {@code name} section's module, function and local names, for assertions. */
final class NameSections {
    private NameSections() {
    }

    record Parsed(String moduleName, Map<Integer, String> functionNames, Map<Integer, Map<Integer, String>> localNames) {
    }

    /** The raw content of subsection {@code id}, or null. */
    static byte[] subsection(WasmModule m, int id) {
        Section s = m.customSection("name");
        ByteReader r = new ByteReader(m.bytes(), s.payloadStart(), s.end());
        while (!r.atEnd()) {
            int sub = r.u8();
            int size = r.byteLength();
            if (sub == id) {
                return java.util.Arrays.copyOfRange(m.bytes(), r.pos(), r.pos() + size);
            }
            r.pos(r.pos() + size);
        }
        return null;
    }

    static Parsed parse(WasmModule m) {
        Section s = m.customSection("name");
        String module = null;
        Map<Integer, String> functions = new TreeMap<>();
        Map<Integer, Map<Integer, String>> locals = new TreeMap<>();
        if (s == null) {
            return new Parsed(null, functions, locals);
        }
        ByteReader r = new ByteReader(m.bytes(), s.payloadStart(), s.end());
        while (!r.atEnd()) {
            int id = r.u8();
            int size = r.byteLength();
            int end = r.pos() + size;
            ByteReader sub = new ByteReader(m.bytes(), r.pos(), end);
            switch (id) {
                case 0 -> module = sub.name();
                case 1 -> {
                    int n = sub.u32();
                    for (int i = 0; i < n; i++) {
                        functions.put(sub.u32(), sub.name());
                    }
                }
                case 2 -> {
                    int n = sub.u32();
                    for (int i = 0; i < n; i++) {
                        int fn = sub.u32();
                        Map<Integer, String> map = new TreeMap<>();
                        int k = sub.u32();
                        for (int j = 0; j < k; j++) {
                            map.put(sub.u32(), sub.name());
                        }
                        locals.put(fn, map);
                    }
                }
                default -> sub.pos(end);
            }
            r.pos(end);
        }
        return new Parsed(module, functions, locals);
    }
}
