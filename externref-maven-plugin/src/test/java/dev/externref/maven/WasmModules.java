package dev.externref.maven;

import com.dylibso.chicory.wabt.Wat2Wasm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Test modules from text. A {@code .wat} file is assembled with wabt; its comment lines
 * {@code ;; externref: import <module>.<name> <bits>} and {@code ;; externref: export <name> <bits>}
 * become the {@code __externrefs} custom section (ABI.md), appended at the end of the module.
 * {@code <bits>} has one character per parameter and result, {@code 1} marking a reference.
 * A {@code .hex} file is hex bytes, with {@code #} comments.
 */
final class WasmModules {
    static final String DIRECTIVE = ";; externref:";

    private WasmModules() {
    }

    static byte[] fromFile(Path source) throws IOException {
        String text = Files.readString(source, StandardCharsets.UTF_8);
        String name = source.getFileName().toString();
        if (name.endsWith(".wat")) {
            return assemble(text);
        }
        if (name.endsWith(".hex")) {
            return fromHex(text);
        }
        throw new IllegalArgumentException("not a .wat or .hex file: " + source);
    }

    /** Assembles WAT and appends the {@code __externrefs} section its directives describe (none: no section). */
    static byte[] assemble(String wat) {
        byte[] module = Wat2Wasm.parse(wat);
        List<String> directives = new ArrayList<>();
        for (String line : wat.split("\n")) {
            String t = line.trim();
            if (t.startsWith(DIRECTIVE)) {
                directives.add(t.substring(DIRECTIVE.length()).trim());
            }
        }
        return directives.isEmpty() ? module : concat(module, customSection("__externrefs", externrefs(directives)));
    }

    /** The section payload: one record per directive, in order. */
    static byte[] externrefs(List<String> directives) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String d : directives) {
            String[] f = d.split("\\s+");
            if (f.length != 3) {
                throw new IllegalArgumentException("bad directive: " + d);
            }
            if (f[0].equals("export")) {
                u32(out, 0xFFFFFFFF);
                string(out, f[1]);
            } else if (f[0].equals("import")) {
                int dot = f[1].indexOf('.');
                string(out, f[1].substring(0, dot));
                string(out, f[1].substring(dot + 1));
            } else {
                throw new IllegalArgumentException("bad directive: " + d);
            }
            String bits = f[2];
            u32(out, bits.length());
            byte[] packed = new byte[(bits.length() + 7) / 8];
            for (int i = 0; i < bits.length(); i++) {
                if (bits.charAt(i) == '1') {
                    packed[i / 8] |= (byte) (1 << (i % 8));
                }
            }
            out.writeBytes(packed);
        }
        return out.toByteArray();
    }

    static byte[] customSection(String name, byte[] payload) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        leb(body, n.length);
        body.writeBytes(n);
        body.writeBytes(payload);
        ByteArrayOutputStream section = new ByteArrayOutputStream();
        section.write(0);
        leb(section, body.size());
        section.writeBytes(body.toByteArray());
        return section.toByteArray();
    }

    static byte[] fromHex(String text) {
        StringBuilder hex = new StringBuilder();
        for (String line : text.split("\n")) {
            int comment = line.indexOf('#');
            hex.append((comment < 0 ? line : line.substring(0, comment)).replaceAll("\\s", ""));
        }
        return HexFormat.of().parseHex(hex);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static void string(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u32(out, b.length);
        out.writeBytes(b);
    }

    private static void u32(ByteArrayOutputStream out, int v) {
        out.write(v);
        out.write(v >>> 8);
        out.write(v >>> 16);
        out.write(v >>> 24);
    }

    private static void leb(ByteArrayOutputStream out, int v) {
        do {
            int b = v & 0x7f;
            v >>>= 7;
            out.write(v == 0 ? b : b | 0x80);
        } while (v != 0);
    }
}
