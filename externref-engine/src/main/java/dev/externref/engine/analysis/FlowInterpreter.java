package dev.externref.engine.analysis;

import dev.externref.engine.format.FuncType;
import dev.externref.engine.format.InstructionReader;
import dev.externref.engine.format.Opcodes;
import dev.externref.engine.format.WasmModule;

import java.util.BitSet;

import static dev.externref.engine.analysis.RefValue.BOTTOM;
import static dev.externref.engine.analysis.RefValue.CONFLICT;
import static dev.externref.engine.analysis.RefValue.INT;
import static dev.externref.engine.analysis.RefValue.REF;
import static dev.externref.engine.analysis.RefValue.SYM;
import static dev.externref.engine.analysis.RefValue.UNINIT;
import static dev.externref.engine.analysis.RefValue.constant;
import static dev.externref.engine.analysis.RefValue.kind;
import static dev.externref.engine.analysis.RefValue.symGlobal;
import static dev.externref.engine.format.Opcodes.CALL;
import static dev.externref.engine.format.Opcodes.CALL_INDIRECT_OP;
import static dev.externref.engine.format.Opcodes.DROP;
import static dev.externref.engine.format.Opcodes.GLOBAL_GET;
import static dev.externref.engine.format.Opcodes.GLOBAL_SET;
import static dev.externref.engine.format.Opcodes.I32_CONST;
import static dev.externref.engine.format.Opcodes.LOCAL_GET;
import static dev.externref.engine.format.Opcodes.LOCAL_SET;
import static dev.externref.engine.format.Opcodes.LOCAL_TEE;
import static dev.externref.engine.format.Opcodes.RETURN_CALL;
import static dev.externref.engine.format.Opcodes.RETURN_CALL_INDIRECT;
import static dev.externref.engine.format.Opcodes.SELECT;
import static dev.externref.engine.format.Opcodes.SELECT_TYPED;

/**
 * The transfer function of the analysis: what one instruction that is not control flow does to
 * the operand stack and the {@link AbstractState}. Sources of references: calls whose results
 * are references (the {@code get} glue, described imports). Sinks, checked here: reference
 * parameters of calls (the {@code insert} glue, described imports), and integer operations,
 * which must not see one. Locals and globals are tracked; memory goes to the
 * {@link ShadowStack}; every other instruction pops and pushes integers as its row of
 * {@link Opcodes} says. Control flow is the {@link Analyzer}'s.
 */
final class FlowInterpreter {
    private final WasmModule m;
    private final Signatures signatures;
    private final BitSet ownRefs;
    private final int params;
    private final int localCount;
    private final int ownResults;
    private final OperandStack stack;
    private final ShadowStack shadow;
    private final DecisionLog log;
    private InstructionReader in;

    /**
     * @param ownRefs    reference positions of the function's own type (parameters then results)
     * @param localCount parameters and declared locals
     */
    FlowInterpreter(WasmModule m, Signatures signatures, BitSet ownRefs, int params, int localCount, int ownResults,
                    OperandStack stack, ShadowStack shadow, DecisionLog log) {
        this.m = m;
        this.signatures = signatures;
        this.ownRefs = ownRefs;
        this.params = params;
        this.localCount = localCount;
        this.ownResults = ownResults;
        this.stack = stack;
        this.shadow = shadow;
        this.log = log;
    }

    /** The reader of the pass: its current instruction is the one {@link #execute} interprets. */
    void start(InstructionReader in) {
        this.in = in;
    }

    /**
     * Interprets the current instruction, {@code op}, in {@code state}. False when the code
     * after it never runs (a tail call; an instruction the analysis does not support, reported):
     * the analyzer then makes the rest of the block unreachable.
     */
    boolean execute(int op, AbstractState state) {
        switch (op) {
            case CALL, RETURN_CALL -> {
                return call(state, in.index(), op == RETURN_CALL);
            }
            case CALL_INDIRECT_OP, RETURN_CALL_INDIRECT -> {
                popInt(state, "call_indirect");
                FuncType t = m.funcType(in.index());
                if (t == null) {
                    throw log.invalid("the call_indirect type index " + Integer.toUnsignedString(in.index())
                            + " names no function type", in.start());
                }
                return callType(state, t, op == RETURN_CALL_INDIRECT, "call_indirect");
            }
            case DROP -> stack.pop();
            case SELECT, SELECT_TYPED -> select(state);
            case LOCAL_GET -> localGet(state, in.index());
            case LOCAL_SET -> localSet(state, in.index(), stack.pop(), false);
            case LOCAL_TEE -> localSet(state, in.index(), stack.pop(), true);
            case GLOBAL_GET -> stack.push(state.global(in.index()));
            case GLOBAL_SET -> globalSet(state);
            case I32_CONST -> stack.push(constant((int) in.constant()));
            case 0x6A, 0x6B -> addOrSub(state, op == 0x6A);
            default -> {
                if (op >= 0x28 && op <= 0x35) {
                    long addr = stack.pop();
                    stack.push(shadow.load(op, addr, state, in, log));
                } else if (op >= 0x36 && op <= 0x3E) {
                    long value = stack.pop();
                    long addr = stack.pop();
                    shadow.store(op, addr, value, state, in, log);
                } else {
                    return simple(state, op);
                }
            }
        }
        return true;
    }

    /**
     * Instructions with a fixed stack effect that touch neither locals, memory slots nor
     * control: they take integers and give integers. The addresses of the SIMD and atomic
     * memory instructions are popped as integers, so a frame address they use counts as escaped.
     */
    private boolean simple(AbstractState state, int op) {
        int effect = Opcodes.stackEffect(op);
        if (effect == Opcodes.NO_STACK_EFFECT) {
            error(state, "the reference analysis does not support this instruction");
            // Keep going with an unknown stack so later errors stay meaningful.
            return false;
        }
        for (int i = Opcodes.pops(effect); i > 0; i--) {
            popInt(state, null, op);
        }
        pushInts(Opcodes.pushes(effect));
        return true;
    }

    private void error(AbstractState state, String message) {
        log.error(state, in, message);
    }

    /** Pops a value that an integer operation consumes. */
    void popInt(AbstractState state, String what) {
        popInt(state, what, 0);
    }

    /** {@code what} names the user in messages; when null, opcode {@code op} does (described only then). */
    private void popInt(AbstractState state, String what, int op) {
        long v = stack.pop();
        long k = kind(v);
        if (k == REF) {
            error(state, "a host reference is used as an integer by " + (what != null ? what : Opcodes.describe(op)));
        } else if (k == CONFLICT) {
            error(state, "a value that is a host reference on some paths is used as an integer by "
                    + (what != null ? what : Opcodes.describe(op)));
        }
        shadow.escapeIfSym(v);
    }

    private void popInts(AbstractState state, int n, String what) {
        for (int i = 0; i < n; i++) {
            popInt(state, what);
        }
    }

    private void pushInts(int n) {
        for (int i = 0; i < n; i++) {
            stack.push(INT);
        }
    }

    private void select(AbstractState state) {
        popInt(state, "select");
        long b = stack.pop();
        long a = stack.pop();
        long v = RefValue.merge(a, b, shadow);
        if (kind(v) == CONFLICT && state.reachable) {
            error(state, "select chooses between a host reference and an integer");
        } else if (kind(v) == REF) {
            log.decide(state, in, DecisionLog.RETYPE); // an untyped select takes numbers only: it becomes select (result externref)
        }
        stack.push(kind(v) == UNINIT ? INT : v);
    }

    private void globalSet(AbstractState state) {
        long v = stack.pop();
        int g = in.index();
        if (kind(v) == REF || kind(v) == CONFLICT) {
            error(state, "a host reference is stored in global " + g
                    + " (globals hold numbers; references can only live in locals and tables)");
        } else if (kind(v) == SYM && symGlobal(v) != g) {
            shadow.escapeIfSym(v);
        }
        // Addresses stay relative to the global's value at entry: after the stack
        // pointer moves, global.get gives the moved address (a nested frame).
        if (state.reachable) {
            state.setGlobal(g, kind(v) == SYM && symGlobal(v) == g ? v : INT);
        }
    }

    /** i32.add and i32.sub keep addresses and constants known: a frame slot is the stack pointer plus a constant. */
    private void addOrSub(AbstractState state, boolean add) {
        long b = stack.pop();
        long a = stack.pop();
        long known = ShadowStack.addOrSub(a, b, add);
        if (known != -1) {
            stack.push(known);
        } else {
            stack.push(b);
            stack.push(a);
            popInt(state, add ? "i32.add" : "i32.sub");
            popInt(state, add ? "i32.add" : "i32.sub");
            stack.push(INT);
        }
    }

    // ---------------------------------------------------------------- calls and results

    private boolean call(AbstractState state, int callee, boolean tail) {
        if (signatures.isRemovedMarker(callee)) {
            log.decide(in.start(), DecisionLog.REMOVE); // reachable or not: the marker goes
            return true;
        }
        if (callee < 0 || callee >= m.functionCount()) {
            throw log.invalid("a call of function " + Integer.toUnsignedString(callee) + ", but the module has "
                    + m.functionCount() + " functions", in.start());
        }
        FuncType t = m.funcType(m.functionTypeIndex(callee));
        if (t == null) {
            throw log.invalid("a call of function " + callee + ", whose type index names no function type", in.start());
        }
        BitSet refs = signatures.referencePositions(callee);
        int np = t.params().size();
        for (int i = np - 1; i >= 0; i--) {
            long v = stack.pop();
            boolean wantRef = refs.get(i);
            if (wrongKind(v, wantRef)) { // the callee is named only for the message: naming costs a lookup
                checkKind(state, v, wantRef, "parameter " + i + " of " + signatures.nameOf(callee));
            } else if (!wantRef) {
                shadow.escapeIfSym(v);
            }
        }
        for (int j = 0; j < t.results().size(); j++) {
            stack.push(refs.get(np + j) ? REF : INT);
        }
        if (tail) {
            checkResults(state, ownResults);
            return false;
        }
        return true;
    }

    private boolean callType(AbstractState state, FuncType t, boolean tail, String what) {
        popInts(state, t.params().size(), what);
        pushInts(t.results().size());
        if (tail) {
            checkResults(state, ownResults);
            return false;
        }
        return true;
    }

    /** The {@code arity} values on top of the stack are the function's results: references where described. */
    void checkResults(AbstractState state, int arity) {
        for (int i = 0; i < arity; i++) {
            long v = stack.peek(arity, i);
            boolean wantRef = ownRefs.get(params + i);
            checkKind(state, v, wantRef, "result " + i + " of this function");
        }
    }

    /** Whether {@link #checkKind} would report an error for this value. */
    private static boolean wrongKind(long v, boolean wantRef) {
        long k = kind(v);
        return k != BOTTOM && (k == CONFLICT || wantRef != (k == REF));
    }

    private void checkKind(AbstractState state, long v, boolean wantRef, String where) {
        long k = kind(v);
        if (k == BOTTOM) {
            return;
        }
        if (k == CONFLICT) {
            error(state, where + " is a host reference on some paths and an integer on others");
        } else if (wantRef && k != REF) {
            error(state, where + " must be a host reference, but an integer reaches it");
        } else if (!wantRef && k == REF) {
            error(state, "a host reference reaches " + where + ", which takes an integer");
        } else if (!wantRef) {
            shadow.escapeIfSym(v);
        }
    }

    // ---------------------------------------------------------------- locals

    private void localGet(AbstractState state, int local) {
        if (local < 0 || local >= localCount) {
            stack.push(INT);
            return;
        }
        long v = state.get(local);
        long k = kind(v);
        if (k == CONFLICT && state.reachable) {
            error(state, "local " + local + " holds a host reference on some paths to this use and an integer on others");
        }
        if (k == REF) {
            log.decide(state, in, DecisionLog.USE_REF);
            stack.push(REF);
        } else {
            log.decide(state, in, DecisionLog.USE_INT);
            stack.push(k == UNINIT ? INT : v);
        }
    }

    private void localSet(AbstractState state, int local, long v, boolean tee) {
        if (local < 0 || local >= localCount) {
            if (tee) {
                stack.push(v);
            }
            return;
        }
        long k = kind(v);
        if (k == CONFLICT && state.reachable) {
            error(state, "a value that is a host reference on some paths and an integer on others is stored in local "
                    + local);
        }
        log.decide(state, in, k == REF ? DecisionLog.USE_REF : DecisionLog.USE_INT);
        if (state.reachable) {
            state.set(local, k == BOTTOM ? INT : v);
        }
        if (tee) {
            stack.push(v);
        }
    }
}
