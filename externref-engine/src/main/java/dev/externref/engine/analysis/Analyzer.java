package dev.externref.engine.analysis;

import dev.externref.engine.error.InvalidModuleException;
import dev.externref.engine.error.ProcessingException;
import dev.externref.engine.error.ProcessingException.Kind;
import dev.externref.engine.format.FuncType;
import dev.externref.engine.format.FunctionBody;
import dev.externref.engine.format.InstructionReader;
import dev.externref.engine.format.WasmModule;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import static dev.externref.engine.analysis.RefValue.CONFLICT;
import static dev.externref.engine.analysis.RefValue.INT;
import static dev.externref.engine.analysis.RefValue.REF;
import static dev.externref.engine.analysis.RefValue.UNINIT;
import static dev.externref.engine.analysis.RefValue.kind;
import static dev.externref.engine.format.Opcodes.BLOCK_OP;
import static dev.externref.engine.format.Opcodes.BR;
import static dev.externref.engine.format.Opcodes.BR_IF;
import static dev.externref.engine.format.Opcodes.BR_TABLE_OP;
import static dev.externref.engine.format.Opcodes.CATCH;
import static dev.externref.engine.format.Opcodes.CATCH_ALL;
import static dev.externref.engine.format.Opcodes.DELEGATE;
import static dev.externref.engine.format.Opcodes.ELSE;
import static dev.externref.engine.format.Opcodes.END;
import static dev.externref.engine.format.Opcodes.IF;
import static dev.externref.engine.format.Opcodes.LOOP;
import static dev.externref.engine.format.Opcodes.RETURN;
import static dev.externref.engine.format.Opcodes.TRY;
import static dev.externref.engine.format.Opcodes.TRY_TABLE_OP;
import static dev.externref.engine.format.Opcodes.UNREACHABLE;

/**
 * Which values of one function are host references, and what the transform must change for
 * that: the driver of the analysis. It walks the function's structured control flow in
 * passes: blocks, loops and ifs ({@link ControlFrame}), branches and the states they carry to
 * labels, code that never runs. A pass ends with what it decided ({@link DecisionLog}); loops
 * are iterated to a fixpoint, each pass starting from the loop heads the previous ones merged.
 * Every other instruction is the {@link FlowInterpreter}'s.
 *
 * <p>The result is every local split by what each access sees (an i32 version and an externref
 * version, allocated on demand), a reference stored to a frame slot of the shadow stack and
 * loaded back from the same slot kept in a local, a block, loop, if or select whose i32 result
 * is a reference given an externref result, code that never runs replaced by
 * {@code unreachable} (it must still validate), and the guard calls removed. Anything it cannot
 * prove sound is a precise error naming the function, the byte offset and the value: a use
 * reached by both kinds, a reference that escapes to memory, to an integer operation or to a
 * function that does not take references, a reference in a multi-value block.
 */
public final class Analyzer {
    private static final int MAX_PASSES = 64;

    private final WasmModule m;
    private final String name;
    private final int params;
    private final BitSet ownRefs;
    private final int ownResults;
    private final int localCount;
    private final FunctionBody body;
    private final OperandStack stack = new OperandStack();
    private final ShadowStack shadow = new ShadowStack();
    private final DecisionLog log;
    private final FlowInterpreter interpreter;

    // Fixpoint state carried across passes: per loop, in the order the loops start (every pass
    // walks the same code from its start), the state and the parameter values at its head. A
    // list, not a map by offset: a function of 10^5 loops hashed its way through them each pass.
    private final List<AbstractState> loopHeads = new ArrayList<>();
    private final List<long[]> loopParams = new ArrayList<>();
    private int loopsEntered; // this pass
    private boolean changed;
    private int changedLoop = -1; // the last loop whose head changed, for the message

    // Per pass.
    private final List<ControlFrame> frames = new ArrayList<>();
    private AbstractState state;
    private InstructionReader in;
    /** The pass stopped at an instruction whose blocks the analysis does not model (an error is logged). */
    private boolean stopped;

    private Analyzer(WasmModule m, int function, String name, BitSet ownRefs, Signatures signatures) {
        this.m = m;
        this.name = name;
        FuncType type = m.funcType(m.functionTypeIndex(function));
        if (type == null) {
            throw new InvalidModuleException(name + ": its type index names no function type", m.functionTypeOffset(function));
        }
        this.params = type.params().size();
        this.ownResults = type.results().size();
        this.ownRefs = ownRefs;
        this.body = m.locals(function - m.importedFunctionCount());
        long declared = body.localCount();
        if (declared > 50_000) {
            throw new ProcessingException(Kind.UNSUPPORTED_REFERENCE_FLOW, name, body.start(),
                    name + " declares " + declared + " locals; the reference analysis handles at most 50000");
        }
        this.localCount = params + (int) declared;
        this.log = new DecisionLog(name);
        this.interpreter = new FlowInterpreter(m, signatures, ownRefs, params, localCount, ownResults, stack, shadow, log);
    }

    /**
     * Analyzes one defined function (by function index) and returns what the transform must
     * change in it.
     *
     * @param name       how messages name the function
     * @param ownRefs    reference positions of the function's own type (parameters then results)
     * @param signatures the reference positions of the functions it calls
     * @throws ProcessingException where the function's references cannot be proved to stay in locals
     */
    public static FunctionDecisions analyze(WasmModule m, int function, String name, BitSet ownRefs,
                                            Signatures signatures) {
        Analyzer a = new Analyzer(m, function, name, ownRefs, signatures);
        int passes = 0;
        do {
            a.changed = false;
            a.pass();
            if (++passes > MAX_PASSES) {
                int at = a.changedLoop >= 0 ? a.changedLoop : a.body.start();
                throw new ProcessingException(Kind.UNSUPPORTED_REFERENCE_FLOW, name, at,
                        name + ": the reference analysis did not converge after " + MAX_PASSES + " passes: what the"
                                + (a.changedLoop >= 0 ? " loop at byte offset " + at : " function")
                                + " carries around its back edge still changes (for example, a value copied one local further on"
                                + " each iteration, through a chain longer than that)");
            }
        } while (a.changed);
        if (a.log.firstError() != null) {
            throw a.log.firstError();
        }
        return a.log.plan(m.bytes(), a.body, a.params, a.ownRefs, a.localCount);
    }

    // ---------------------------------------------------------------- the pass

    private void pass() {
        log.clear();
        stack.clear();
        frames.clear();
        loopsEntered = 0;
        state = new AbstractState(localCount);
        state.reachable = true;
        for (int i = 0; i < localCount; i++) {
            state.set(i, i < params ? (ownRefs.get(i) ? REF : INT) : UNINIT);
        }
        push(new ControlFrame(ControlFrame.FUNCTION, body.codeStart(), 0, 0, ownResults, new AbstractState(localCount),
                ownResults));
        in = InstructionReader.over(m.bytes(), body.codeStart(), body.end());
        interpreter.start(in);
        stopped = false;
        while (in.hasNext() && !stopped) {
            int op = in.next();
            step(op);
        }
        // An address that escaped further may make a slot unsafe that this pass trusted.
        changed |= shadow.takeEscapedMore();
    }

    private void step(int op) {
        switch (op) {
            case UNREACHABLE -> unreachable();
            case BLOCK_OP, LOOP, IF -> enterBlock(op);
            case ELSE -> elseBranch();
            case END -> endBlock();
            case BR -> {
                branch(in.index());
                unreachable();
            }
            case BR_IF -> {
                interpreter.popInt(state, "br_if");
                branch(in.index());
            }
            case BR_TABLE_OP -> {
                interpreter.popInt(state, "br_table");
                for (int i = 0; i < in.labelCount(); i++) {
                    branch(in.label(i));
                }
                unreachable();
            }
            case RETURN -> {
                branch(frames.size() - 1);
                unreachable();
            }
            case TRY, TRY_TABLE_OP, CATCH, CATCH_ALL, DELEGATE -> {
                // Blocks of exception handling, which the analysis does not model: past here its
                // blocks would not match the code's, so the pass stops, with an error whether or
                // not a path reaches the instruction.
                log.error("the reference analysis does not support exception handling", op, in.start());
                stopped = true;
            }
            default -> {
                if (!interpreter.execute(op, state)) {
                    unreachable();
                }
            }
        }
    }

    private ControlFrame top() {
        return frames.get(frames.size() - 1);
    }

    private void push(ControlFrame f) {
        frames.add(f);
        stack.floor(f.height);
    }

    private void pop() {
        frames.remove(frames.size() - 1);
        stack.floor(frames.isEmpty() ? 0 : top().height);
    }

    /** The rest of the current frame never runs: its stack is polymorphic, its state unreached. */
    private void unreachable() {
        ControlFrame f = top();
        stack.truncate(f.height);
        f.unreachable = true;
        state = new AbstractState(localCount);
        if (f.deadFrom == -1) {
            f.deadFrom = in.end();
        }
    }

    /**
     * Code that never runs still has to validate, and the locals it uses keep their i32 type
     * while what it computes may now be externref: it is replaced by {@code unreachable}, from
     * where the frame's code stopped being reachable to its {@code else} or {@code end}.
     */
    private void closeDeadCode(ControlFrame f) {
        if (f.deadFrom >= 0) {
            if (f.deadFrom < in.start()) {
                log.deadCode(f.deadFrom, in.start());
            }
            f.deadFrom = -1;
        }
    }

    /** After an end that no path reaches, the enclosing frame's code never runs either. */
    private void deadAfterEnd() {
        ControlFrame f = top();
        if (!state.reachable && f.deadFrom == -1) {
            f.deadFrom = in.end();
        }
    }

    // ---------------------------------------------------------------- blocks

    // Shared, never written: a block is entered per nesting level per pass.
    private static final int[] NO_PARAMS_NO_RESULTS = {0, 0};
    private static final int[] NO_PARAMS_ONE_RESULT = {0, 1};
    private static final long[] NO_VALUES = {};

    /** Parameter and result counts of the current block instruction's type (read only). */
    private int[] blockArity() {
        int bt = in.blockType();
        if (bt == InstructionReader.BLOCK_EMPTY) {
            return NO_PARAMS_NO_RESULTS;
        }
        if (bt == InstructionReader.BLOCK_VALUE) {
            return NO_PARAMS_ONE_RESULT;
        }
        FuncType t = m.funcType(bt);
        if (t == null) {
            throw log.invalid("the block type index " + Integer.toUnsignedString(bt) + " names no function type", in.start());
        }
        return new int[] {t.params().size(), t.results().size()};
    }

    private void enterBlock(int op) {
        if (op == IF) {
            interpreter.popInt(state, "if");
        }
        int[] arity = blockArity();
        long[] entry = arity[0] == 0 ? NO_VALUES : new long[arity[0]];
        for (int i = arity[0] - 1; i >= 0; i--) {
            entry[i] = stack.pop();
        }
        int blockType = in.blockType();
        int height = stack.size();
        ControlFrame f;
        if (op == LOOP) {
            int key = in.start();
            int loop = loopsEntered++;
            if (loop == loopHeads.size()) { // the first pass
                loopHeads.add(new AbstractState(localCount));
                loopParams.add(new long[arity[0]]);
            }
            AbstractState head = loopHeads.get(loop);
            long[] headValues = loopParams.get(loop);
            if (head.mergeFrom(state, shadow)) {
                changed = true;
                changedLoop = key;
            }
            for (int i = 0; i < entry.length; i++) {
                long v = RefValue.merge(headValues[i], entry[i], shadow);
                if (v != headValues[i]) {
                    headValues[i] = v;
                    changed = true;
                }
            }
            f = new ControlFrame(op, key, height, arity[0], arity[1], head, arity[0]);
            f.headValues = headValues;
            System.arraycopy(headValues, 0, f.labelValues, 0, arity[0]);
            boolean wasReachable = state.reachable;
            state = new AbstractState(head);
            state.reachable = wasReachable && head.reachable;
            entry = headValues.length == 0 ? NO_VALUES : headValues.clone();
        } else {
            f = new ControlFrame(op, in.start(), height, arity[0], arity[1], new AbstractState(localCount), arity[1]);
            if (op == IF) {
                f.elseState = new AbstractState(state);
                f.elseValues = entry.length == 0 ? NO_VALUES : entry.clone();
            }
        }
        f.unreachable = !state.reachable;
        f.deadFrom = f.unreachable ? ControlFrame.INSIDE_DEAD : -1;
        f.blockType = blockType;
        if (op != LOOP) {
            checkBlockValues(f, entry, "parameter");
        }
        push(f);
        for (long v : entry) {
            stack.push(v);
        }
    }

    /** A branch to the frame {@code depth} levels out: its state and values flow to the label. */
    private void branch(int depth) {
        if (depth >= frames.size()) {
            return; // invalid input; validation rejects it
        }
        ControlFrame target = frames.get(frames.size() - 1 - depth);
        int arity = target.labelArity();
        if (!state.reachable) {
            return;
        }
        if (target.opcode == ControlFrame.FUNCTION) {
            interpreter.checkResults(state, arity);
        }
        boolean c = target.label.mergeFrom(state, shadow);
        for (int i = 0; i < arity; i++) {
            long v = stack.peek(arity, i);
            long merged = RefValue.merge(target.labelValues[i], v, shadow);
            if (merged != target.labelValues[i]) {
                target.labelValues[i] = merged;
                c = true;
            }
        }
        if (c && target.opcode == LOOP) {
            changed = true;
            changedLoop = target.start;
            long[] heads = target.headValues;
            for (int i = 0; i < arity; i++) {
                heads[i] = RefValue.merge(heads[i], target.labelValues[i], shadow);
            }
        }
    }

    private void elseBranch() {
        ControlFrame f = top();
        if (f.opcode != IF || f.elseState == null) {
            return;
        }
        closeDeadCode(f);
        // The then-branch ends here: its state and results go to the end of the if.
        endOfArm(f);
        stack.truncate(f.height);
        state = f.elseState;
        for (long v : f.elseValues) {
            stack.push(v);
        }
        f.elseState = null;
        f.unreachable = !state.reachable;
    }

    private void endOfArm(ControlFrame f) {
        if (state.reachable) {
            f.label.mergeFrom(state, shadow);
            for (int i = 0; i < f.nResults; i++) {
                long v = stack.peek(f.nResults, i);
                f.labelValues[i] = RefValue.merge(f.labelValues[i], v, shadow);
            }
        }
    }

    private void endBlock() {
        ControlFrame f = top();
        closeDeadCode(f);
        if (f.opcode == ControlFrame.FUNCTION) {
            if (state.reachable) {
                interpreter.checkResults(state, f.nResults);
            }
            pop();
            return;
        }
        if (f.opcode == LOOP) {
            long[] results = new long[f.nResults];
            for (int i = f.nResults - 1; i >= 0; i--) {
                results[i] = stack.pop();
            }
            checkBlockValues(f, f.labelValues, "parameter");
            checkBlockValues(f, results, "result");
            pop();
            stack.truncate(f.height);
            for (long v : results) {
                stack.push(v);
            }
            deadAfterEnd();
            return;
        }
        endOfArm(f);
        if (f.opcode == IF && f.elseState != null) {
            // An if without else: the skipped arm carries its parameters to the end.
            if (f.elseState.reachable) {
                f.label.mergeFrom(f.elseState, shadow);
                for (int i = 0; i < f.nResults && i < f.elseValues.length; i++) {
                    f.labelValues[i] = RefValue.merge(f.labelValues[i], f.elseValues[i], shadow);
                }
            }
        }
        checkBlockValues(f, f.labelValues, "result");
        pop();
        stack.truncate(f.height);
        state = new AbstractState(f.label);
        for (long v : f.labelValues) {
            stack.push(v);
        }
        deadAfterEnd();
    }

    /**
     * The parameters or results of a block, loop or if that carry references: a single i32
     * result becomes an externref result; a block type given by a type index (multi-value, or
     * with parameters) would need a new type, and a value that is a reference on some paths
     * only cannot have one type.
     */
    private void checkBlockValues(ControlFrame f, long[] values, String what) {
        String block = f.opcode == LOOP ? "loop" : f.opcode == IF ? "if" : "block";
        for (int i = 0; i < values.length; i++) {
            long k = kind(values[i]);
            if (k == CONFLICT) {
                log.error(what + " " + i + " of this " + block + " is a host reference on some paths and an integer on others",
                        f.opcode, f.start);
            } else if (k == REF) {
                if (f.blockType == InstructionReader.BLOCK_VALUE) {
                    log.decide(f.start, DecisionLog.RETYPE);
                } else {
                    log.error("a host reference is " + what + " " + i + " of this " + block + ", whose type is a type index"
                            + " (multi-value); the transform cannot give it an externref type", f.opcode, f.start);
                }
            }
        }
    }
}
