package dev.externref.engine.transform;

import dev.externref.engine.format.Export;
import dev.externref.engine.format.ExternalKind;
import dev.externref.engine.format.Section;
import dev.externref.engine.format.WasmModule;

import java.util.BitSet;
import java.util.Locale;
import java.util.Map;

/**
 * The sentence an analysis failure ends with: its likely cause and the fix, from what the module
 * shows. An optimizer is blamed only when the module bears its mark (a misplaced guard, or an
 * optimizer in the {@code producers} section); a described export that almost forwards is named
 * with what keeps it from forwarding; otherwise the cause is the code itself.
 */
final class LikelyCause {
    static final String OPTIMIZER_FIX = " run the externref processor on the compiler's output, before wasm-opt or other"
            + " optimizers.";
    private static final String[] OPTIMIZERS = {"binaryen", "wasm-opt"};

    private final WasmModule m;
    private final FunctionNames names;
    private final BitSet[] refPositions;
    private final ForwardingWrappers wrappers;

    LikelyCause(WasmModule m, FunctionNames names, Surrogates surrogates, BitSet[] refPositions) {
        this.m = m;
        this.names = names;
        this.refPositions = refPositions;
        this.wrappers = new ForwardingWrappers(m, surrogates);
    }

    /** For a failure in {@code function}, which is neither guarded nor a described export. */
    String ofUndescribed(int function) {
        String wrapper = nearWrapper(function);
        if (wrapper != null) {
            return wrapper;
        }
        String optimizer = optimizerInProducers();
        if (optimizer != null) {
            return " The producers section names " + optimizer + ", so the module was transformed after compilation"
                    + " (an optimizer can inline an import wrapper into its callers):" + OPTIMIZER_FIX;
        }
        if (m.customSection(Producers.SECTION) != null) {
            return " The module shows no sign of an optimizer (its producers section names none), so the cause is in"
                    + " the code: a function that handles host references is neither an import wrapper nor an export"
                    + " described in __externrefs. Describe every export that takes or returns references, and"
                    + " hand references only to described imports, described exports and externref.insert.";
        }
        return " Either a function handles host references without being an import wrapper or a described export"
                + " (describe every export that takes or returns references), or the module was transformed after"
                + " compilation (an optimizer such as wasm-opt can inline an import wrapper); then" + OPTIMIZER_FIX;
    }

    /** For a failure in a described export; empty when the module shows nothing more specific. */
    String ofDescribed(int function) {
        String wrapper = nearWrapper(function);
        return wrapper != null ? wrapper : "";
    }

    /**
     * A described export that calls a function of its own type, as a forwarding wrapper does,
     * but does not qualify as one: when {@code function} is that export or its callee, says why.
     */
    private String nearWrapper(int function) {
        for (Export e : m.exports()) {
            if (e.kind() != ExternalKind.FUNCTION || refPositions[e.index()] == null) {
                continue;
            }
            ForwardingWrappers.Shape shape = wrappers.of(e.index());
            int callee = shape.forwards() ? -1 : wrappers.sameTypeCallee(e.index());
            if (callee < 0 || (function != e.index() && function != callee)) {
                continue;
            }
            return " " + names.of(e.index()) + " calls " + names.of(callee) + ", a function of its own type,"
                    + " but is not a wrapper that only forwards: " + shape.refusal() + ". The __externrefs record"
                    + " describes the export only; it carries over to the function an export calls only when the export"
                    + " passes every parameter unchanged and in order, and calls nothing but () -> () functions around"
                    + " it (as wasm-ld's <export>.command_export wrappers of WASI commands do).";
        }
        return null;
    }

    /** The optimizer a {@code producers} section lists (e.g. {@code binaryen 118}), or null. */
    private String optimizerInProducers() {
        Section s = m.customSection(Producers.SECTION);
        Map<String, Map<String, String>> fields = s == null ? null : Producers.fields(m.bytes(), s.payloadStart(), s.end());
        if (fields == null) {
            return null;
        }
        for (Map<String, String> values : fields.values()) {
            for (Map.Entry<String, String> tool : values.entrySet()) {
                for (String optimizer : OPTIMIZERS) {
                    if (tool.getKey().toLowerCase(Locale.ROOT).contains(optimizer)) {
                        return (tool.getKey() + " " + tool.getValue()).trim();
                    }
                }
            }
        }
        return null;
    }
}
