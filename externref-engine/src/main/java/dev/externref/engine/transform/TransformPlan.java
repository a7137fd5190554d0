package dev.externref.engine.transform;

import dev.externref.engine.format.IndexRemap;
import dev.externref.engine.format.WasmModule;

import java.util.ArrayList;
import java.util.List;

/**
 * The output's function index space (docs/ABI.md, "What the engine writes"): the imports that stay and the drop
 * hook's import, if any; the glue functions for the {@code externref.insert}, {@code get} and
 * {@code drop} imports; the defined functions; then any glue that did not fit in front of them.
 * The surrogate imports go: calls of insert, get and drop are pointed at their glue, guard calls
 * are removed by the body rewrite.
 *
 * <p>The plan moves as few functions as it can, because a body that refers to no moved
 * function is copied undecoded. The drop hook's import, then the last imports, take the removed
 * surrogates' places (imports are matched by name, not position), so every other import keeps
 * its index. The glue goes in front of the defined functions, as many as the imports that went
 * (less the hook's new import), so that every defined function keeps its index. Without a drop
 * hook, a module that imports the guard has one glue function too few: a no-op
 * {@code () -> ()} function takes the guard's place. Only when nothing is removed and a hook is
 * added do the defined functions move up by one.
 */
final class TransformPlan {
    /** A function the transform writes. */
    enum Glue { INSERT, GET, DROP, GUARD }

    /** Per input function: its output index, or -1 (a removed guard without a stand-in). */
    final int[] newIndexOfOld;
    /** Import positions of the surrogate imports, which are removed. */
    final List<Integer> removedImports = new ArrayList<>();
    /** Import position of each import that moves, to the position of the surrogate whose place it takes. */
    final java.util.Map<Integer, Integer> movedImports = new java.util.TreeMap<>();
    /** The glue written before the defined functions, and after them, in order. */
    final List<Glue> front = new ArrayList<>();
    final List<Glue> back = new ArrayList<>();
    /** Output indices of the drop hook and of the glue functions; -1 for those not generated. */
    final int hookIndex;
    /** The import position whose place the drop hook's import takes; -1: appended after the imports (or no hook). */
    final int hookPosition;
    int insertIndex = -1;
    int getIndex = -1;
    int dropIndex = -1;
    int guardIndex = -1;

    private TransformPlan(WasmModule m, Surrogates surrogates, boolean dropHook) {
        newIndexOfOld = new int[m.functionCount()];
        int imported = m.importedFunctionCount();
        List<Integer> holes = new ArrayList<>();
        for (int f = 0; f < imported; f++) {
            if (surrogates.isSurrogate(m.importOfFunction(f))) {
                removedImports.add(m.importOfFunction(f));
                newIndexOfOld[f] = -1; // insert/get/drop (and a guard with a stand-in) are pointed at their glue below
                holes.add(f);
            }
        }
        int next = imported - holes.size() + (dropHook ? 1 : 0); // the output's imports
        int filled = 0; // holes are filled in order: first the hook, then the imports beyond the output's
        if (dropHook && !holes.isEmpty()) {
            hookIndex = holes.get(filled++);
            hookPosition = m.importOfFunction(hookIndex);
        } else {
            hookIndex = dropHook ? imported : -1; // nothing removed: the hook goes after the imports
            hookPosition = -1;
        }
        for (int f = 0; f < imported; f++) {
            if (newIndexOfOld[f] < 0) {
                continue;
            }
            if (f < next) {
                newIndexOfOld[f] = f;
            } else { // beyond the output's imports: into the next place a surrogate left
                int hole = holes.get(filled++);
                newIndexOfOld[f] = hole;
                movedImports.put(m.importOfFunction(f), m.importOfFunction(hole));
            }
        }
        List<Glue> glue = new ArrayList<>();
        if (surrogates.insert >= 0) {
            glue.add(Glue.INSERT);
        }
        if (surrogates.get >= 0) {
            glue.add(Glue.GET);
        }
        if (surrogates.drop >= 0) {
            glue.add(Glue.DROP);
        }
        int places = m.importedFunctionCount() - next; // what the defined functions need in front of them
        if (places > glue.size() && surrogates.guard >= 0) {
            glue.add(Glue.GUARD);
        }
        for (Glue g : glue) {
            (front.size() < places ? front : back).add(g);
        }
        for (Glue g : front) {
            place(g, next++);
        }
        for (int d = 0; d < m.definedFunctionCount(); d++) {
            newIndexOfOld[m.functionOfDefined(d)] = next++;
        }
        for (Glue g : back) {
            place(g, next++);
        }
        map(surrogates.insertFunction, insertIndex);
        map(surrogates.getFunction, getIndex);
        map(surrogates.dropFunction, dropIndex);
        map(surrogates.guardFunction, guardIndex);
    }

    private void place(Glue g, int index) {
        switch (g) {
            case INSERT -> insertIndex = index;
            case GET -> getIndex = index;
            case DROP -> dropIndex = index;
            default -> guardIndex = index;
        }
    }

    private void map(int function, int index) {
        if (function >= 0 && index >= 0) {
            newIndexOfOld[function] = index;
        }
    }

    /** Whether a surrogate's place in the import section is taken by another import (the hook or a moved one). */
    boolean filled(int importPosition) {
        return importPosition == hookPosition || movedImports.containsValue(importPosition);
    }

    /** The input position at whose place the import at {@code position} is written. */
    int writtenAt(int importPosition) {
        return movedImports.getOrDefault(importPosition, importPosition);
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
