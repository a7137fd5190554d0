package dev.externref.engine.equivalence;

import dev.externref.engine.transform.testkit.Modules;
import dev.externref.engine.transform.testkit.Records;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the binary of a generated guest: function types (deduplicated), function imports,
 * defined functions with i32 locals, one exported memory page, the stack pointer global
 * (global 0), function exports, and the {@code __externrefs} records.
 */
final class Assembler {
    static final int I32 = 0x7F;

    /** A function body's instructions, written as bytes. */
    static final class Code {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Code op(int... bytes) {
            for (int b : bytes) {
                out.write(b);
            }
            return this;
        }

        Code u(long v) {
            out.writeBytes(Modules.leb(v));
            return this;
        }

        Code s(long v) {
            while (true) {
                int b = (int) (v & 0x7F);
                v >>= 7;
                boolean done = (v == 0 && (b & 0x40) == 0) || (v == -1 && (b & 0x40) != 0);
                out.write(done ? b : b | 0x80);
                if (done) {
                    return this;
                }
            }
        }

        Code i32(int v) {
            return op(0x41).s(v);
        }

        Code call(int function) {
            return op(0x10).u(function);
        }

        Code get(int local) {
            return op(0x20).u(local);
        }

        Code set(int local) {
            return op(0x21).u(local);
        }

        Code tee(int local) {
            return op(0x22).u(local);
        }

        int size() {
            return out.size();
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    private final Map<String, Integer> types = new LinkedHashMap<>();
    private final List<byte[]> typeBytes = new ArrayList<>();
    private final ByteArrayOutputStream imports = new ByteArrayOutputStream();
    private int importCount;
    private final List<Integer> functionTypes = new ArrayList<>();
    private final List<byte[]> bodies = new ArrayList<>();
    private final ByteArrayOutputStream exports = new ByteArrayOutputStream();
    private int exportCount;
    final Records records = Records.of();

    /** The index of the function type with {@code params} and {@code results} i32s. */
    int type(int params, int results) {
        return types.computeIfAbsent(params + "->" + results, k -> {
            ByteArrayOutputStream t = new ByteArrayOutputStream();
            t.write(0x60);
            t.writeBytes(Modules.leb(params));
            for (int i = 0; i < params; i++) {
                t.write(I32);
            }
            t.writeBytes(Modules.leb(results));
            for (int i = 0; i < results; i++) {
                t.write(I32);
            }
            typeBytes.add(t.toByteArray());
            return typeBytes.size() - 1;
        });
    }

    /** Imports a function; returns its index (imports come first). */
    int importFunction(String module, String name, int params, int results) {
        int type = type(params, results);
        name(imports, module);
        name(imports, name);
        imports.write(0);
        imports.writeBytes(Modules.leb(type));
        return importCount++;
    }

    /** Defines a function; {@code locals} extra i32 locals. Returns its index. */
    int define(int params, int results, int locals, byte[] code) {
        functionTypes.add(type(params, results));
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (locals == 0) {
            body.write(0);
        } else {
            body.write(1);
            body.writeBytes(Modules.leb(locals));
            body.write(I32);
        }
        body.writeBytes(code);
        body.write(0x0B);
        bodies.add(body.toByteArray());
        return importCount + bodies.size() - 1;
    }

    void export(String name, int function) {
        name(exports, name);
        exports.write(0);
        exports.writeBytes(Modules.leb(function));
        exportCount++;
    }

    byte[] bytes() {
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        m.writeBytes(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
        section(m, 1, vector(typeBytes));
        section(m, 2, counted(importCount, imports.toByteArray()));
        ByteArrayOutputStream fs = new ByteArrayOutputStream();
        functionTypes.forEach(t -> fs.writeBytes(Modules.leb(t)));
        section(m, 3, counted(functionTypes.size(), fs.toByteArray()));
        section(m, 5, new byte[] {1, 0, 1});
        section(m, 6, new byte[] {1, I32, 1, 0x41, (byte) 0x80, (byte) 0x80, 0x04, 0x0B});
        ByteArrayOutputStream ex = new ByteArrayOutputStream();
        name(ex, "memory");
        ex.write(2);
        ex.write(0);
        ex.writeBytes(exports.toByteArray());
        section(m, 7, counted(exportCount + 1, ex.toByteArray()));
        List<byte[]> sized = new ArrayList<>();
        for (byte[] b : bodies) {
            ByteArrayOutputStream s = new ByteArrayOutputStream();
            s.writeBytes(Modules.leb(b.length));
            s.writeBytes(b);
            sized.add(s.toByteArray());
        }
        section(m, 10, vector(sized));
        return records.appendTo(m.toByteArray());
    }

    private static byte[] vector(List<byte[]> items) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        items.forEach(all::writeBytes);
        return counted(items.size(), all.toByteArray());
    }

    private static byte[] counted(int count, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Modules.leb(count));
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static void section(ByteArrayOutputStream m, int id, byte[] content) {
        m.write(id);
        m.writeBytes(Modules.leb(content.length));
        m.writeBytes(content);
    }

    private static void name(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeBytes(Modules.leb(b.length));
        out.writeBytes(b);
    }
}
