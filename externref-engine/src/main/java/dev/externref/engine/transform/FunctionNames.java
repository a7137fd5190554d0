package dev.externref.engine.transform;

import dev.externref.engine.format.Export;
import dev.externref.engine.format.ExternalKind;
import dev.externref.engine.format.Import;
import dev.externref.engine.format.WasmModule;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * How errors and reports name a function: export name, import name, name-section name, or
 * index. Only the few functions that end up in a message are named, so the name section is
 * read on the first request, not for every module. The export of each function is indexed
 * on the first request too: scanning the exports per name asked for made a module with many
 * described exports quadratic. Imports come from the module's own mapping.
 */
final class FunctionNames {
    private final WasmModule m;
    private Map<Integer, String> nameSection;
    /** Per function: the position of its first function export, or -1; null until asked. */
    private int[] exportOf;

    FunctionNames(WasmModule m) {
        this.m = m;
    }

    synchronized String of(int function) {
        if (exportOf == null) {
            index();
        }
        if (function >= 0 && function < exportOf.length && exportOf[function] >= 0) {
            return "export '" + m.exports().get(exportOf[function]).name() + "' (function " + function + ")";
        }
        if (function >= 0 && function < m.importedFunctionCount()) {
            Import imp = m.imports().get(m.importOfFunction(function));
            return "import '" + imp.module() + "." + imp.name() + "' (function " + function + ")";
        }
        if (nameSection == null) {
            nameSection = m.functionNames();
        }
        String n = nameSection.get(function);
        return n != null ? "'" + n + "' (function " + function + ")" : "function " + function;
    }

    private void index() {
        List<Export> exports = m.exports();
        LookupWork.add(exports.size());
        exportOf = new int[m.functionCount()];
        Arrays.fill(exportOf, -1);
        for (int i = 0; i < exports.size(); i++) {
            Export e = exports.get(i);
            if (e.kind() == ExternalKind.FUNCTION && e.index() >= 0 && e.index() < exportOf.length && exportOf[e.index()] < 0) {
                exportOf[e.index()] = i;
            }
        }
    }
}
