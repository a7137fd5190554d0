package dev.externref.engine.transform;

import dev.externref.engine.format.Export;
import dev.externref.engine.format.ExternalKind;
import dev.externref.engine.format.Import;
import dev.externref.engine.format.WasmModule;

import java.util.Map;

/**
 * How errors and reports name a function: export name, import name, name-section name, or
 * index. Only the few functions that end up in a message are named, so the name section is
 * read on the first request, not for every module.
 */
final class FunctionNames {
    private final WasmModule m;
    private Map<Integer, String> nameSection;

    FunctionNames(WasmModule m) {
        this.m = m;
    }

    synchronized String of(int function) {
        for (Export e : m.exports()) {
            if (e.kind() == ExternalKind.FUNCTION && e.index() == function) {
                return "export '" + e.name() + "' (function " + function + ")";
            }
        }
        if (function < m.importedFunctionCount()) {
            int f = 0;
            for (Import imp : m.imports()) {
                if (imp.kind() == ExternalKind.FUNCTION && f++ == function) {
                    return "import '" + imp.module() + "." + imp.name() + "' (function " + function + ")";
                }
            }
        }
        if (nameSection == null) {
            nameSection = m.functionNames();
        }
        String n = nameSection.get(function);
        return n != null ? "'" + n + "' (function " + function + ")" : "function " + function;
    }
}
