package dev.externref.engine.transform.testkit;

import com.dylibso.chicory.wabt.Wat2Wasm;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/** Building test modules: WAT, appended custom sections, a {@code name} section, byte search. */
public final class Modules {
    private Modules() {
    }

    /** Assembles WAT (Chicory's wat2wasm; it gives no message on bad WAT, so the WAT is echoed). */
    public static byte[] wat(String wat) {
        try {
            return Wat2Wasm.parse(wat);
        } catch (RuntimeException e) {
            throw new AssertionError("wat2wasm rejected:\n" + wat, e);
        }
    }

    /** {@code module} with a custom section appended at its end. */
    public static byte[] withCustomSection(byte[] module, String name, byte[] payload) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        content.writeBytes(leb(n.length));
        content.writeBytes(n);
        content.writeBytes(payload);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(module);
        out.write(0);
        out.writeBytes(leb(content.size()));
        out.writeBytes(content.toByteArray());
        return out.toByteArray();
    }

    /** A {@code name} section payload with only the function-names subsection. */
    public static byte[] functionNames(Map<Integer, String> names) {
        return names(names, Map.of());
    }

    /**
     * A {@code name} section payload: function names (subsection 1) and, when given, local
     * names (subsection 2, function index to local index to name).
     */
    public static byte[] names(Map<Integer, String> functions, Map<Integer, Map<Integer, String>> locals) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        subsection(out, 1, nameMap(functions));
        if (!locals.isEmpty()) {
            ByteArrayOutputStream sub = new ByteArrayOutputStream();
            TreeMap<Integer, Map<Integer, String>> sorted = new TreeMap<>(locals);
            sub.writeBytes(leb(sorted.size()));
            sorted.forEach((function, map) -> {
                sub.writeBytes(leb(function));
                sub.writeBytes(nameMap(map));
            });
            subsection(out, 2, sub.toByteArray());
        }
        return out.toByteArray();
    }

    private static void subsection(ByteArrayOutputStream out, int id, byte[] content) {
        out.write(id);
        out.writeBytes(leb(content.length));
        out.writeBytes(content);
    }

    private static byte[] nameMap(Map<Integer, String> names) {
        ByteArrayOutputStream sub = new ByteArrayOutputStream();
        TreeMap<Integer, String> sorted = new TreeMap<>(names);
        sub.writeBytes(leb(sorted.size()));
        sorted.forEach((index, name) -> {
            byte[] b = name.getBytes(StandardCharsets.UTF_8);
            sub.writeBytes(leb(index));
            sub.writeBytes(leb(b.length));
            sub.writeBytes(b);
        });
        return sub.toByteArray();
    }

    /** Unsigned LEB128. */
    public static byte[] leb(long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        do {
            int b = (int) (value & 0x7F);
            value >>>= 7;
            out.write(value != 0 ? b | 0x80 : b);
        } while (value != 0);
        return out.toByteArray();
    }

    /** The first position of {@code needle} in {@code haystack}, or -1. */
    public static int indexOf(byte[] haystack, byte... needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    /** The only position of {@code needle} in {@code haystack}; fails when absent or repeated. */
    public static int indexOfUnique(byte[] haystack, byte... needle) {
        int found = -1;
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                if (found >= 0) {
                    throw new AssertionError("byte pattern " + Arrays.toString(needle) + " occurs twice, at " + found + " and " + i);
                }
                found = i;
            }
        }
        if (found < 0) {
            throw new AssertionError("byte pattern " + Arrays.toString(needle) + " not found");
        }
        return found;
    }

    /** Bytes from ints, for patterns. */
    public static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }
}
