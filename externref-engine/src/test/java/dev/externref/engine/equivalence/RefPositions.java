package dev.externref.engine.equivalence;

import dev.externref.engine.format.Section;
import dev.externref.engine.format.WasmModule;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The reference positions the {@code __externrefs} section of an unprocessed module marks
 * (ABI.md): for an import {@code module.name} or an export {@code name}, one flag per parameter
 * then per result. Read here, independently of the engine's parser, so that the emulating host
 * converts exactly where the ABI says.
 */
final class RefPositions {
    private final Map<String, boolean[]> imports = new HashMap<>();
    private final Map<String, boolean[]> exports = new HashMap<>();

    static RefPositions of(WasmModule module) {
        RefPositions p = new RefPositions();
        Section s = module.customSection("__externrefs");
        if (s == null) {
            return p;
        }
        ByteBuffer in = ByteBuffer.wrap(module.bytes(), s.payloadStart(), s.end() - s.payloadStart())
                .order(ByteOrder.LITTLE_ENDIAN);
        while (in.hasRemaining()) {
            int kind = in.getInt();
            String moduleName = kind == -1 ? null : string(in, kind);
            String name = string(in, in.getInt());
            int count = in.getInt();
            byte[] bits = new byte[(count + 7) / 8];
            in.get(bits);
            boolean[] refs = new boolean[count];
            for (int i = 0; i < count; i++) {
                refs[i] = (bits[i / 8] >> (i % 8) & 1) != 0;
            }
            if (moduleName == null) {
                p.exports.put(name, refs);
            } else {
                p.imports.put(moduleName + "." + name, refs);
            }
        }
        return p;
    }

    private static String string(ByteBuffer in, int length) {
        byte[] b = new byte[length];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Flags of import {@code module.name}, or null when it has no record. */
    boolean[] importRefs(String module, String name) {
        return imports.get(module + "." + name);
    }

    boolean[] exportRefs(String name) {
        return exports.get(name);
    }
}
