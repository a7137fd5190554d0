package dev.externref.engine.transform;

import dev.externref.engine.format.FuncType;
import dev.externref.engine.format.FunctionBody;
import dev.externref.engine.format.InstructionReader;
import dev.externref.engine.format.WasmModule;

import java.util.ArrayList;
import java.util.List;

import static dev.externref.engine.format.Opcodes.CALL;
import static dev.externref.engine.format.Opcodes.LOCAL_GET;

/**
 * Exports that only forward to another function. wasm-ld wraps every export of a WASI command
 * (a module linked with wasi-libc that has constructors) in a function named
 * {@code <export>.command_export}: it passes all parameters, in order, to the real function F,
 * calls {@code __wasm_call_ctors} before and {@code __wasm_call_dtors} after, and leaves F's
 * results on the stack. The {@code __externrefs} record names the export, so it describes the
 * wrapper; the code that handles the references is in F.
 *
 * <p>A wrapper is recognised only when its code proves it: {@code call}s of {@code () -> ()}
 * functions, {@code local.get 0 .. P-1} in order, a {@code call} of a defined function of
 * exactly the wrapper's type that is not an import wrapper (it does not call the guard), then
 * more {@code () -> ()} calls, and nothing else. References
 * then pass through the wrapper untouched, so the record can describe F as well: both types
 * change at the same positions and the wrapper's body stays valid as it is.
 */
final class ForwardingWrappers {
    /**
     * How an exported function's body relates to forwarding.
     *
     * @param target    the function the chain of wrappers ends at, or -1 when it is not a wrapper
     * @param chain     the wrappers and the final target, in call order (the export first)
     * @param refusal   when not a wrapper: the first thing that keeps it from being one
     */
    record Shape(int target, List<Integer> chain, String refusal) {
        boolean forwards() {
            return target >= 0;
        }
    }

    private static final FuncType UNIT = new FuncType(List.of(), List.of());

    private final WasmModule m;
    private final Surrogates surrogates;

    ForwardingWrappers(WasmModule m, Surrogates surrogates) {
        this.m = m;
        this.surrogates = surrogates;
    }

    /** Follows forwarding wrappers from {@code function} (an exported function) to the function doing the work. */
    Shape of(int function) {
        Step first = step(function);
        if (first.target < 0) {
            return new Shape(-1, List.of(function), first.refusal);
        }
        ArrayList<Integer> chain = new ArrayList<>(List.of(function, first.target));
        int current = first.target;
        // A wrapper of a wrapper forwards as well; a cycle would be endless recursion, so stop there.
        for (Step next = step(current); next.target >= 0 && !chain.contains(next.target); next = step(current)) {
            chain.add(next.target);
            current = next.target;
        }
        return new Shape(current, List.copyOf(chain), null);
    }

    /** One function's body: the function it forwards to, or why it does not. */
    private record Step(int target, String refusal) {
    }

    private boolean callsGuard(int function) {
        if (surrogates.guardFunction < 0) {
            return false;
        }
        FunctionBody body = m.locals(m.definedOfFunction(function));
        InstructionReader in = InstructionReader.over(m.bytes(), body.codeStart(), body.end());
        while (in.hasNext()) {
            if (in.next() == CALL && in.index() == surrogates.guardFunction) {
                return true;
            }
        }
        return false;
    }

    /**
     * The first function of its own type that a defined function calls (what a wrapper would
     * forward to), or -1. For error messages only: it reads the whole body.
     */
    int sameTypeCallee(int function) {
        int defined = m.definedOfFunction(function);
        if (defined < 0) {
            return -1; // an export of an import: no body
        }
        FuncType own = m.funcType(m.functionTypeIndex(function));
        FunctionBody body = m.locals(defined);
        InstructionReader in = InstructionReader.over(m.bytes(), body.codeStart(), body.end());
        while (in.hasNext()) {
            if (in.next() == CALL) {
                int callee = in.index();
                if (callee >= 0 && callee < m.functionCount() && callee != function && !surrogates.isSurrogateFunction(callee)
                        && own.equals(m.funcType(m.functionTypeIndex(callee)))) {
                    return callee;
                }
            }
        }
        return -1;
    }

    private static Step refused(String reason) {
        return new Step(-1, reason);
    }

    private Step step(int function) {
        int defined = m.definedOfFunction(function);
        if (defined < 0) {
            return new Step(-1, "it is an import");
        }
        FuncType own = m.funcType(m.functionTypeIndex(function));
        int params = own.params().size();
        FunctionBody body = m.locals(defined);
        InstructionReader in = InstructionReader.over(m.bytes(), body.codeStart(), body.end());
        int nextParam = 0;
        int target = -1;
        while (in.hasNext()) {
            int op = in.next();
            if (!in.hasNext()) {
                break; // the function's final `end`
            }
            if (op == LOCAL_GET && target < 0) {
                if (in.index() != nextParam) {
                    return refused("it passes local " + in.index() + " where parameter " + nextParam
                            + " belongs (byte offset " + in.start() + ")");
                }
                nextParam++;
            } else if (op == CALL) {
                int callee = in.index();
                if (callee < 0 || callee >= m.functionCount()) {
                    return refused("it calls function " + callee + ", which does not exist");
                }
                FuncType type = m.funcType(m.functionTypeIndex(callee));
                boolean unitCall = UNIT.equals(type) && !surrogates.isSurrogateFunction(callee);
                if (target < 0 && own.equals(type) && !surrogates.isSurrogateFunction(callee)) {
                    if (nextParam != params) {
                        return refused("it passes " + nextParam + " of its " + params + " parameters to "
                                + "function " + callee + " (byte offset " + in.start() + ")");
                    }
                    if (callee < m.importedFunctionCount()) {
                        return refused("it forwards to an import (function " + callee + ")");
                    }
                    if (callee == function) {
                        return refused("it calls itself");
                    }
                    if (callsGuard(callee)) {
                        // An import wrapper takes slot indices, not the references an export receives.
                        return refused("it forwards to an import wrapper (function " + callee
                                + " calls externref.guard)");
                    }
                    target = callee;
                } else if (!unitCall || nextParam != 0 && target < 0) {
                    return refused("it calls function " + callee + " of type " + type + " (byte offset "
                            + in.start() + "); a wrapper calls only () -> () functions around the one it forwards to");
                }
            } else {
                return refused("it has an instruction other than local.get of its parameters and"
                        + " call (opcode 0x" + Integer.toHexString(op) + " at byte offset " + in.start() + ")");
            }
        }
        if (target < 0) {
            return refused("it calls no function of its own type " + own);
        }
        return new Step(target, null);
    }
}
