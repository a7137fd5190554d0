package dev.externref.engine.transform;

import dev.externref.engine.error.InvalidModuleException;
import dev.externref.engine.format.Export;
import dev.externref.engine.format.ExternalKind;
import dev.externref.engine.format.Section;
import dev.externref.engine.format.WasmModule;

/**
 * What the transform relies on that the reader does not check (it reads invalid modules, as a
 * rewriter of any module must), checked before the transform starts: every function's type
 * index names a function type, and every function an export or the start section names
 * exists. From then on a function's type is known for every function index in range. Code is
 * checked where it is read: the reference analysis reports a call, a block type or a
 * {@code call_indirect} type that names nothing. Linear in functions and exports.
 */
final class InputValidity {
    private InputValidity() {
    }

    static void check(WasmModule m) {
        int types = m.typeCount();
        for (int f = 0; f < m.functionCount(); f++) {
            int t = m.functionTypeIndex(f);
            if (m.funcType(t) == null) {
                String what = t >= 0 && t < types
                        ? "type " + t + ", which is not a function type"
                        : "type index " + Integer.toUnsignedString(t) + ", but the module has " + types + " types";
                throw new InvalidModuleException(new FunctionNames(m).of(f) + " has " + what, m.functionTypeOffset(f));
            }
        }
        for (Export e : m.exports()) {
            if (e.kind() == ExternalKind.FUNCTION && !exists(m, e.index())) {
                throw new InvalidModuleException("export '" + e.name() + "' names function " + Integer.toUnsignedString(e.index())
                        + ", but the module has " + m.functionCount() + " functions", e.offset());
            }
        }
        if (m.startFunction() != -1 && !exists(m, m.startFunction())) {
            Section start = m.section(Section.START);
            throw new InvalidModuleException("the start section names function " + Integer.toUnsignedString(m.startFunction())
                    + ", but the module has " + m.functionCount() + " functions", start == null ? -1 : start.payloadStart());
        }
    }

    private static boolean exists(WasmModule m, int function) {
        return function >= 0 && function < m.functionCount();
    }
}
