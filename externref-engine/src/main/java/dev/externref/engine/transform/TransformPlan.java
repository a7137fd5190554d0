package dev.externref.engine.transform;

import dev.externref.engine.format.IndexRemap;
import dev.externref.engine.format.WasmModule;

import java.util.ArrayList;
import java.util.List;

/**
 * The output's function index space (docs/ABI.md, "What the engine writes"): the imports that stay, in order; the
 * drop hook import, if any; the defined functions; then the glue functions for
 * {@code externref.insert}, {@code get} and {@code drop} that are imported. The surrogate
 * imports go: calls of insert, get and drop are pointed at their glue, guard calls are removed
 * by the body rewrite.
 */
final class TransformPlan {
    /** Per input function: its output index, or -1 (a removed guard). */
    final int[] newIndexOfOld;
    /** Import positions of the surrogate imports, which are removed. */
    final List<Integer> removedImports = new ArrayList<>();
    /** Output indices of the drop hook and of the glue functions; -1 for those not generated. */
    final int hookIndex;
    final int insertIndex;
    final int getIndex;
    final int dropIndex;

    private TransformPlan(WasmModule m, Surrogates surrogates, boolean dropHook) {
        newIndexOfOld = new int[m.functionCount()];
        int next = 0;
        for (int f = 0; f < m.importedFunctionCount(); f++) {
            int position = m.importOfFunction(f);
            if (surrogates.isSurrogate(position)) {
                removedImports.add(position);
                newIndexOfOld[f] = -1; // insert/get/drop are pointed at their glue below
            } else {
                newIndexOfOld[f] = next++;
            }
        }
        hookIndex = dropHook ? next++ : -1;
        for (int d = 0; d < m.definedFunctionCount(); d++) {
            newIndexOfOld[m.functionOfDefined(d)] = next++;
        }
        insertIndex = surrogates.insert >= 0 ? next++ : -1;
        getIndex = surrogates.get >= 0 ? next++ : -1;
        dropIndex = surrogates.drop >= 0 ? next++ : -1;
        if (insertIndex >= 0) {
            newIndexOfOld[surrogates.insertFunction] = insertIndex;
        }
        if (getIndex >= 0) {
            newIndexOfOld[surrogates.getFunction] = getIndex;
        }
        if (dropIndex >= 0) {
            newIndexOfOld[surrogates.dropFunction] = dropIndex;
        }
    }

    /** The plan for a module whose surrogates are {@code surrogates}; {@code dropHook}: a drop hook is imported. */
    static TransformPlan of(WasmModule m, Surrogates surrogates, boolean dropHook) {
        return new TransformPlan(m, surrogates, dropHook);
    }

    /** The renumbering of the input's functions into the output's index space. */
    IndexRemap remap() {
        return IndexRemap.functions(newIndexOfOld);
    }
}
