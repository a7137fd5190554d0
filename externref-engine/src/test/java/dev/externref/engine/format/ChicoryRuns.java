package dev.externref.engine.format;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Runs modules on Chicory and describes what their exports do, for before/after comparisons. */
final class ChicoryRuns {
    private ChicoryRuns() {
    }

    /** Imports that must exist but never be called (the ones the tests insert). */
    static ImportValues neverCalled(String... moduleAndName) {
        ImportValues.Builder b = ImportValues.builder();
        for (int i = 0; i < moduleAndName.length; i += 2) {
            String what = moduleAndName[i] + "." + moduleAndName[i + 1];
            b.addFunction(new HostFunction(moduleAndName[i], moduleAndName[i + 1], FunctionType.empty(), (inst, args) -> {
                throw new AssertionError(what + " is never called");
            }));
        }
        return b.build();
    }

    /**
     * Calls every exported function whose parameters and results are numeric, with all arguments
     * 0, then 1, then 5; one line per call: its result or the exception it ended in.
     */
    static List<String> runAllExports(byte[] module, ImportValues imports) {
        var parsed = Parser.parse(module);
        Instance instance = Instance.builder(parsed).withImportValues(imports).build();
        List<String> results = new ArrayList<>();
        var exports = parsed.exportSection();
        for (int e = 0; e < exports.exportCount(); e++) {
            var export = exports.getExport(e);
            if (export.exportType() != ExternalType.FUNCTION || export.name().contains("runaway")) {
                continue;
            }
            FunctionType type = instance.exportType(export.name());
            if (!type.params().stream().allMatch(ValType::isNumeric) || !type.returns().stream().allMatch(ValType::isNumeric)) {
                continue;
            }
            for (long arg : new long[] {0, 1, 5}) {
                long[] args = new long[type.params().size()];
                Arrays.fill(args, arg);
                String call = export.name() + Arrays.toString(args);
                try {
                    results.add(call + " = " + Arrays.toString(instance.export(export.name()).apply(args)));
                } catch (RuntimeException | StackOverflowError t) {
                    results.add(call + " threw " + t.getClass().getSimpleName() + ": " + t.getMessage());
                }
            }
        }
        return results;
    }

    static long normalReturns(List<String> results) {
        return results.stream().filter(r -> !r.contains(" threw ")).count();
    }
}
