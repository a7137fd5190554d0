package dev.externref.engine.transform;

import dev.externref.engine.format.Export;
import dev.externref.engine.format.ExternalKind;
import dev.externref.engine.format.Import;
import dev.externref.engine.format.WasmModule;

import java.util.HashMap;
import java.util.Map;

/** How errors and reports name a function: export name, import name, name-section name, or index. */
final class FunctionNames {
    private final Map<Integer, String> names = new HashMap<>();

    FunctionNames(WasmModule m) {
        Map<Integer, String> fromNameSection = m.functionNames();
        for (int f = 0; f < m.functionCount(); f++) {
            String n = fromNameSection.get(f);
            if (n != null) {
                names.put(f, "'" + n + "' (function " + f + ")");
            }
        }
        int f = 0;
        for (Import imp : m.imports()) {
            if (imp.kind() == ExternalKind.FUNCTION) {
                names.put(f++, "import '" + imp.module() + "." + imp.name() + "' (function " + (f - 1) + ")");
            }
        }
        for (Export e : m.exports()) {
            if (e.kind() == ExternalKind.FUNCTION) {
                names.put(e.index(), "export '" + e.name() + "' (function " + e.index() + ")");
            }
        }
    }

    String of(int function) {
        String n = names.get(function);
        return n != null ? n : "function " + function;
    }
}
