package dev.externref.engine.analysis;

import dev.externref.engine.error.ProcessingException;
import dev.externref.engine.error.ProcessingException.Kind;
import dev.externref.engine.format.ByteWriter;
import dev.externref.engine.format.FuncType;
import dev.externref.engine.format.FunctionBody;
import dev.externref.engine.format.InstructionReader;
import dev.externref.engine.format.Opcodes;
import dev.externref.engine.format.ValType;
import dev.externref.engine.format.WasmModule;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.externref.engine.format.Opcodes.*;

/**
 * Which values of one function are host references. An abstract interpreter over the
 * function's structured control flow tracks, for every operand-stack value, every local and
 * every shadow-stack slot, whether it holds a reference or an integer, iterating loops to a
 * fixpoint. Sources of references: the function's described reference parameters and calls
 * whose results are references (the {@code get} glue, described imports). Sinks: reference
 * parameters of calls (the {@code insert} glue, described imports) and the function's
 * described reference results.
 *
 * <p>From that it derives the rewrite: every local is split by what each access sees (an
 * i32 version and an externref version, allocated on demand), a reference stored to a frame
 * slot of the shadow stack and loaded back from the same slot becomes a local, a block, loop,
 * if or select whose i32 result is a reference gets an externref result, code that never runs
 * becomes {@code unreachable} (it must still validate), and the guard calls go. Anything it
 * cannot prove sound is a precise error naming the function, the byte offset and the value: a
 * use reached by both kinds, a reference that escapes to memory, to an integer operation or to
 * a function that does not take references, a reference in a multi-value block.
 */
public final class ReferenceFlow {
    /** The rewrite of one function: code edits in order, and the locals to append. */
    public record Result(List<FlowEdit> edits, List<ValType> newLocals) {
    }

    // Abstract values. The low byte is the kind; SYM and CONST carry data above it.
    private static final long BOTTOM = 0;    // no value: unreachable code
    private static final long UNINIT = 1;    // a declared local never written on any path (zero)
    private static final long INT = 2;       // any non-reference value
    private static final long REF = 3;       // a host reference
    private static final long CONFLICT = 4;  // a reference on some paths, an integer on others
    private static final long CONST = 5;     // i32 constant: value in the upper 32 bits
    private static final long SYM = 6;       // global G + offset: G in bits 8..31, offset in the upper 32 bits

    private static final int MAX_PASSES = 64;
    private static final int INSIDE_DEAD = -2;

    private final WasmModule m;
    private final int function;
    private final String name;
    private final Signatures signatures;
    private final int params;
    private final BitSet ownRefs;
    private final int ownResults;
    private final int localCount;
    private final FunctionBody body;

    // Fixpoint state carried across passes.
    private final Map<Integer, State> loopHeads = new HashMap<>();
    private final Map<Integer, long[]> loopParams = new HashMap<>();
    private final Map<Integer, Long> escapedFrom = new HashMap<>();
    private boolean changed;
    private int changedLoop = -1; // the last loop whose head changed, for the message

    // Per pass.
    private final Map<Integer, Long> decisions = new TreeMap<>();
    private final List<int[]> deadCode = new ArrayList<>(); // [from, to): never runs, becomes `unreachable`
    private ProcessingException firstError;
    private long[] stack = new long[64];
    private int sp;
    private final List<Frame> frames = new ArrayList<>();
    private State state;
    private InstructionReader in;

    private ReferenceFlow(WasmModule m, int function, String name, BitSet ownRefs, Signatures signatures) {
        this.m = m;
        this.function = function;
        this.name = name;
        this.signatures = signatures;
        FuncType type = m.funcType(m.functionTypeIndex(function));
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
    }

    /**
     * Analyzes one defined function (by function index) and returns its rewrite.
     *
     * @param ownRefs reference positions of the function's own type (parameters then results)
     */
    public static Result analyze(WasmModule m, int function, String name, BitSet ownRefs, Signatures signatures) {
        ReferenceFlow flow = new ReferenceFlow(m, function, name, ownRefs, signatures);
        int passes = 0;
        do {
            flow.changed = false;
            flow.pass();
            if (++passes > MAX_PASSES) {
                int at = flow.changedLoop >= 0 ? flow.changedLoop : flow.body.start();
                throw new ProcessingException(Kind.UNSUPPORTED_REFERENCE_FLOW, name, at,
                        name + ": the reference analysis did not converge after " + MAX_PASSES + " passes: what the"
                                + (flow.changedLoop >= 0 ? " loop at byte offset " + at : " function")
                                + " carries around its back edge still changes (for example, a value copied one local further on"
                                + " each iteration, through a chain longer than that)");
            }
        } while (flow.changed);
        if (flow.firstError != null) {
            throw flow.firstError;
        }
        return flow.rewrite();
    }

    // ---------------------------------------------------------------- lattice

    private static long kind(long v) {
        return v & 0xFF;
    }

    private static long constant(int c) {
        return CONST | ((long) c << 32);
    }

    private static long sym(int global, int offset) {
        return SYM | ((long) global << 8) | ((long) offset << 32);
    }

    private static int symGlobal(long v) {
        return (int) ((v >>> 8) & 0xFF_FFFF);
    }

    private static int high(long v) {
        return (int) (v >> 32);
    }

    private long merge(long a, long b) {
        if (a == b) {
            return a;
        }
        if (a == BOTTOM) {
            return b;
        }
        if (b == BOTTOM) {
            return a;
        }
        long ka = kind(a);
        long kb = kind(b);
        if (ka == CONFLICT || kb == CONFLICT) {
            return CONFLICT;
        }
        if (ka == UNINIT || kb == UNINIT) {
            // Zero on paths where the local was never written: it takes the kind of the other side.
            long other = ka == UNINIT ? b : a;
            if (kind(other) == REF) {
                return REF;
            }
            escapeIfSym(other);
            return INT;
        }
        if (ka == REF || kb == REF) {
            return CONFLICT;
        }
        // Two different integers: an address that stops being known has escaped.
        escapeIfSym(a);
        escapeIfSym(b);
        return INT;
    }

    private void escapeIfSym(long v) {
        if (kind(v) == SYM) {
            int g = symGlobal(v);
            long c = high(v);
            Long before = escapedFrom.get(g);
            if (before == null || c < before) {
                escapedFrom.put(g, c);
                changed = true;
            }
        }
    }

    /**
     * The state at one program point: locals, the kinds of shadow-stack slots, and the globals
     * this function has set to an address relative to their own value at entry (a stack
     * pointer moved for a frame: SYM of the global; INT when no longer known).
     */
    private static final class State {
        // Locals in chunks shared copy-on-write between states: copying a state and merging
        // states that differ in a few locals cost the number of chunks, not of locals, which
        // keeps functions with thousands of locals and blocks near-linear.
        static final int SHIFT = 6;
        static final int CHUNK = 1 << SHIFT;

        final int n;
        long[][] chunks;        // null: an unreachable state that nothing has reached yet (all BOTTOM)
        boolean[] owned;        // chunk i is this state's own: may be written in place
        final TreeMap<Long, Long> slots;
        HashMap<Integer, Long> globals; // null: every global holds its value at entry
        boolean reachable;

        State(int n) {
            this.n = n;
            slots = new TreeMap<>();
        }

        State(State o) {
            n = o.n;
            if (o.chunks != null) {
                chunks = o.chunks.clone();
                owned = new boolean[chunks.length];
                java.util.Arrays.fill(o.owned, false);
            }
            slots = new TreeMap<>(o.slots);
            globals = o.globals == null ? null : new HashMap<>(o.globals);
            reachable = o.reachable;
        }

        long get(int i) {
            return chunks == null ? BOTTOM : chunks[i >>> SHIFT][i & (CHUNK - 1)];
        }

        void set(int i, long v) {
            if (chunks == null) {
                chunks = new long[(n + CHUNK - 1) >>> SHIFT][];
                owned = new boolean[chunks.length];
                for (int c = 0; c < chunks.length; c++) {
                    chunks[c] = new long[CHUNK];
                    owned[c] = true;
                }
            }
            int c = i >>> SHIFT;
            if (chunks[c][i & (CHUNK - 1)] == v) {
                return;
            }
            if (!owned[c]) {
                chunks[c] = chunks[c].clone();
                owned[c] = true;
            }
            chunks[c][i & (CHUNK - 1)] = v;
        }

        long global(int g) {
            Long v = globals == null ? null : globals.get(g);
            return v == null ? sym(g, 0) : v;
        }

        void setGlobal(int g, long v) {
            if (v == sym(g, 0)) {
                if (globals != null) {
                    globals.remove(g);
                }
            } else {
                if (globals == null) {
                    globals = new HashMap<>();
                }
                globals.put(g, v);
            }
        }

        static State unreachable(int n) {
            return new State(n);
        }
    }

    /** Merges {@code from} into {@code into}; true if {@code into} changed. */
    private boolean mergeState(State into, State from) {
        if (!from.reachable) {
            return false;
        }
        if (!into.reachable) {
            if (from.chunks == null) {
                into.chunks = null;
            } else {
                into.chunks = from.chunks.clone();
                into.owned = new boolean[into.chunks.length];
                java.util.Arrays.fill(from.owned, false);
            }
            into.slots.clear();
            into.slots.putAll(from.slots);
            into.globals = from.globals == null ? null : new HashMap<>(from.globals);
            into.reachable = true;
            return true;
        }
        boolean c = false;
        if (from.chunks != null && into.chunks == null) {
            into.set(0, BOTTOM); // allocates
        }
        for (int k = 0; from.chunks != null && k < into.chunks.length; k++) {
            long[] mine = into.chunks[k];
            long[] theirs = from.chunks[k];
            if (mine == theirs) {
                continue; // shared: equal
            }
            int base = k << State.SHIFT;
            for (int j = 0; j < State.CHUNK && base + j < into.n; j++) {
                long v = merge(mine[j], theirs[j]);
                if (v != mine[j]) {
                    into.set(base + j, v);
                    mine = into.chunks[k];
                    c = true;
                }
            }
        }
        for (Map.Entry<Long, Long> e : from.slots.entrySet()) {
            Long mine = into.slots.get(e.getKey());
            long v = mine == null ? (e.getValue() == REF ? CONFLICT : e.getValue()) : merge(mine, e.getValue());
            if (mine == null || v != mine) {
                into.slots.put(e.getKey(), v);
                c = true;
            }
        }
        for (Map.Entry<Long, Long> e : into.slots.entrySet()) {
            if (!from.slots.containsKey(e.getKey()) && e.getValue() == REF) {
                e.setValue(CONFLICT);
                c = true;
            }
        }
        // A global moved differently on two paths: its value is no longer known.
        if (into.globals != null || from.globals != null) {
            java.util.Set<Integer> moved = new java.util.HashSet<>();
            if (into.globals != null) {
                moved.addAll(into.globals.keySet());
            }
            if (from.globals != null) {
                moved.addAll(from.globals.keySet());
            }
            for (int g : moved) {
                long mine = into.global(g);
                if (mine != from.global(g) && mine != INT) {
                    into.setGlobal(g, INT);
                    c = true;
                }
            }
        }
        return c;
    }

    // ---------------------------------------------------------------- control frames

    private static final class Frame {
        final int opcode;
        final int start;
        final int height;
        final int nParams;
        final int nResults;
        final State label;          // block/if/function: state at the end; loop: state at the head
        final long[] labelValues;   // merged kinds of the values a branch carries
        int blockType;              // as InstructionReader#blockType()
        State elseState;            // if: the state for the else branch
        long[] elseValues;
        boolean unreachable;
        int deadFrom = -1;          // where code that never runs starts in this frame; INSIDE_DEAD: all of it

        Frame(int opcode, int start, int height, int nParams, int nResults, State label, int labelArity) {
            this.opcode = opcode;
            this.start = start;
            this.height = height;
            this.nParams = nParams;
            this.nResults = nResults;
            this.label = label;
            this.labelValues = new long[labelArity];
        }

        int labelArity() {
            return opcode == LOOP ? nParams : nResults;
        }
    }

    // ---------------------------------------------------------------- the pass

    private void pass() {
        decisions.clear();
        deadCode.clear();
        firstError = null;
        sp = 0;
        frames.clear();
        state = new State(localCount);
        state.reachable = true;
        for (int i = 0; i < localCount; i++) {
            state.set(i, i < params ? (ownRefs.get(i) ? REF : INT) : UNINIT);
        }
        frames.add(new Frame(-1, body.codeStart(), 0, 0, ownResults, State.unreachable(localCount), ownResults));
        in = InstructionReader.over(m.bytes(), body.codeStart(), body.end());
        while (in.hasNext()) {
            int op = in.next();
            step(op);
        }
    }

    private void error(String message) {
        if (state.reachable) { // what never runs is removed: nothing there can be unsound
            error(message, in.opcode(), in.start());
        }
    }

    private void error(String message, int opcode, int at) {
        if (firstError == null) {
            firstError = new ProcessingException(Kind.UNSUPPORTED_REFERENCE_FLOW, name, at,
                    name + ": " + message + " (" + Opcodes.describe(opcode) + " at byte offset " + at + ")");
        }
    }

    private Frame top() {
        return frames.get(frames.size() - 1);
    }

    private void push(long v) {
        if (sp == stack.length) {
            stack = java.util.Arrays.copyOf(stack, sp * 2);
        }
        stack[sp++] = v;
    }

    private long pop() {
        Frame f = top();
        if (sp <= f.height) {
            return BOTTOM; // polymorphic stack of unreachable code (or invalid input, which validation rejects)
        }
        return stack[--sp];
    }

    /** Pops a value that an integer operation consumes. */
    private void popInt(String what) {
        long v = pop();
        long k = kind(v);
        if (k == REF) {
            error("a host reference is used as an integer by " + what);
        } else if (k == CONFLICT) {
            error("a value that is a host reference on some paths is used as an integer by " + what);
        }
        escapeIfSym(v);
    }

    private void popInts(int n, String what) {
        for (int i = 0; i < n; i++) {
            popInt(what);
        }
    }

    private void pushInts(int n) {
        for (int i = 0; i < n; i++) {
            push(INT);
        }
    }

    private void unreachable() {
        Frame f = top();
        sp = f.height;
        f.unreachable = true;
        state = State.unreachable(localCount);
        if (f.deadFrom == -1) {
            f.deadFrom = in.end();
        }
    }

    /**
     * Code that never runs still has to validate, and the locals it uses keep their i32 type
     * while what it computes may now be externref: it is replaced by {@code unreachable}, from
     * where the frame's code stopped being reachable to its {@code else} or {@code end}.
     */
    private void closeDeadCode(Frame f) {
        if (f.deadFrom >= 0) {
            if (f.deadFrom < in.start()) {
                deadCode.add(new int[] {f.deadFrom, in.start()});
            }
            f.deadFrom = -1;
        }
    }

    /** After an end that no path reaches, the enclosing frame's code never runs either. */
    private void deadAfterEnd() {
        Frame f = top();
        if (!state.reachable && f.deadFrom == -1) {
            f.deadFrom = in.end();
        }
    }

    private void decide(long decision) {
        if (state.reachable) {
            decisions.put(in.start(), decision);
        }
    }

    // Decisions: the kind of access, tagged.
    private static final long USE_INT = 1;
    private static final long USE_REF = 2;
    private static final long REMOVE = 3;
    private static final long SPILL_STORE = 4; // slot key above
    private static final long SPILL_LOAD = 5;
    private static final long RETYPE = 6;      // block, loop, if, select: its i32 result becomes externref

    private void step(int op) {
        switch (op) {
            case UNREACHABLE -> unreachable();
            case 0x01 -> { } // nop
            case BLOCK_OP, LOOP, IF -> enterBlock(op);
            case ELSE -> elseBranch();
            case END -> endBlock();
            case BR -> {
                branch(in.index());
                unreachable();
            }
            case BR_IF -> {
                popInt("br_if");
                branch(in.index());
            }
            case BR_TABLE_OP -> {
                popInt("br_table");
                for (int i = 0; i < in.labelCount(); i++) {
                    branch(in.label(i));
                }
                unreachable();
            }
            case RETURN -> {
                branch(frames.size() - 1);
                unreachable();
            }
            case CALL, RETURN_CALL -> call(in.index(), op == RETURN_CALL);
            case CALL_INDIRECT_OP, RETURN_CALL_INDIRECT -> {
                popInt("call_indirect");
                callType(m.funcType(in.index()), op == RETURN_CALL_INDIRECT, "call_indirect");
            }
            case DROP -> pop();
            case SELECT, SELECT_TYPED -> {
                popInt("select");
                long b = pop();
                long a = pop();
                long v = merge(a, b);
                if (kind(v) == CONFLICT && state.reachable) {
                    error("select chooses between a host reference and an integer");
                } else if (kind(v) == REF) {
                    decide(RETYPE); // an untyped select takes numbers only: it becomes select (result externref)
                }
                push(kind(v) == UNINIT ? INT : v);
            }
            case LOCAL_GET -> localGet(in.index());
            case LOCAL_SET -> localSet(in.index(), pop(), false);
            case LOCAL_TEE -> localSet(in.index(), pop(), true);
            case GLOBAL_GET -> push(state.global(in.index()));
            case GLOBAL_SET -> {
                long v = pop();
                int g = in.index();
                if (kind(v) == REF || kind(v) == CONFLICT) {
                    error("a host reference is stored in global " + g
                            + " (globals hold numbers; references can only live in locals and tables)");
                } else if (kind(v) == SYM && symGlobal(v) != g) {
                    escapeIfSym(v);
                }
                // Addresses stay relative to the global's value at entry: after the stack
                // pointer moves, global.get gives the moved address (a nested frame).
                if (state.reachable) {
                    state.setGlobal(g, kind(v) == SYM && symGlobal(v) == g ? v : INT);
                }
            }
            case I32_CONST -> push(constant((int) in.constant()));
            case 0x6A, 0x6B -> addOrSub(op == 0x6A);
            default -> {
                if (op >= 0x28 && op <= 0x35) {
                    load(op);
                } else if (op >= 0x36 && op <= 0x3E) {
                    store(op);
                } else {
                    simple(op);
                }
            }
        }
    }

    private int[] blockArity() {
        int bt = in.blockType();
        if (bt == InstructionReader.BLOCK_EMPTY) {
            return new int[] {0, 0};
        }
        if (bt == InstructionReader.BLOCK_VALUE) {
            return new int[] {0, 1};
        }
        FuncType t = m.funcType(bt);
        return t == null ? new int[] {0, 0} : new int[] {t.params().size(), t.results().size()};
    }

    private void enterBlock(int op) {
        if (op == IF) {
            popInt("if");
        }
        int[] arity = blockArity();
        long[] entry = new long[arity[0]];
        for (int i = arity[0] - 1; i >= 0; i--) {
            entry[i] = pop();
        }
        int blockType = in.blockType();
        int height = sp;
        Frame f;
        if (op == LOOP) {
            int key = in.start();
            State head = loopHeads.computeIfAbsent(key, k -> State.unreachable(localCount));
            long[] headValues = loopParams.computeIfAbsent(key, k -> new long[arity[0]]);
            if (mergeState(head, state)) {
                changed = true;
                changedLoop = key;
            }
            for (int i = 0; i < entry.length; i++) {
                long v = merge(headValues[i], entry[i]);
                if (v != headValues[i]) {
                    headValues[i] = v;
                    changed = true;
                }
            }
            f = new Frame(op, key, height, arity[0], arity[1], head, arity[0]);
            System.arraycopy(headValues, 0, f.labelValues, 0, arity[0]);
            boolean wasReachable = state.reachable;
            state = new State(head);
            state.reachable = wasReachable && head.reachable;
            entry = headValues.clone();
        } else {
            f = new Frame(op, in.start(), height, arity[0], arity[1], State.unreachable(localCount), arity[1]);
            if (op == IF) {
                f.elseState = new State(state);
                f.elseValues = entry.clone();
            }
        }
        f.unreachable = !state.reachable;
        f.deadFrom = f.unreachable ? INSIDE_DEAD : -1;
        f.blockType = blockType;
        if (op != LOOP) {
            checkBlockValues(f, entry, "parameter");
        }
        frames.add(f);
        for (long v : entry) {
            push(v);
        }
    }

    /** A branch to the frame {@code depth} levels out: its state and values flow to the label. */
    private void branch(int depth) {
        if (depth >= frames.size()) {
            return; // invalid input; validation rejects it
        }
        Frame target = frames.get(frames.size() - 1 - depth);
        int arity = target.labelArity();
        if (!state.reachable) {
            return;
        }
        if (target.opcode == -1) {
            checkResults(arity);
        }
        boolean c = mergeState(target.label, state);
        for (int i = 0; i < arity; i++) {
            int at = sp - arity + i;
            long v = at >= top().height ? stack[at] : BOTTOM;
            long merged = merge(target.labelValues[i], v);
            if (merged != target.labelValues[i]) {
                target.labelValues[i] = merged;
                c = true;
            }
        }
        if (c && target.opcode == LOOP) {
            changed = true;
            changedLoop = target.start;
            long[] heads = loopParams.get(target.start);
            for (int i = 0; i < arity; i++) {
                heads[i] = merge(heads[i], target.labelValues[i]);
            }
        }
    }

    /** The values on top of the stack are the function's results: references where described. */
    private void checkResults(int arity) {
        for (int i = 0; i < arity; i++) {
            int at = sp - arity + i;
            long v = at >= top().height ? stack[at] : BOTTOM;
            boolean wantRef = ownRefs.get(params + i);
            checkKind(v, wantRef, "result " + i + " of this function");
        }
    }

    /** Whether {@link #checkKind} would report an error for this value. */
    private static boolean wrongKind(long v, boolean wantRef) {
        long k = kind(v);
        return k != BOTTOM && (k == CONFLICT || wantRef != (k == REF));
    }

    private void checkKind(long v, boolean wantRef, String where) {
        long k = kind(v);
        if (k == BOTTOM) {
            return;
        }
        if (k == CONFLICT) {
            error(where + " is a host reference on some paths and an integer on others");
        } else if (wantRef && k != REF) {
            error(where + " must be a host reference, but an integer reaches it");
        } else if (!wantRef && k == REF) {
            error("a host reference reaches " + where + ", which takes an integer");
        } else if (!wantRef) {
            escapeIfSym(v);
        }
    }

    private void elseBranch() {
        Frame f = top();
        if (f.opcode != IF || f.elseState == null) {
            return;
        }
        closeDeadCode(f);
        // The then-branch ends here: its state and results go to the end of the if.
        endOfArm(f);
        sp = f.height;
        state = f.elseState;
        for (long v : f.elseValues) {
            push(v);
        }
        f.elseState = null;
        f.unreachable = !state.reachable;
    }

    private void endOfArm(Frame f) {
        if (state.reachable) {
            mergeState(f.label, state);
            for (int i = 0; i < f.nResults; i++) {
                int at = sp - f.nResults + i;
                long v = at >= f.height ? stack[at] : BOTTOM;
                f.labelValues[i] = merge(f.labelValues[i], v);
            }
        }
    }

    private void endBlock() {
        Frame f = top();
        closeDeadCode(f);
        if (f.opcode == -1) {
            if (state.reachable) {
                checkResults(f.nResults);
            }
            frames.remove(frames.size() - 1);
            return;
        }
        if (f.opcode == LOOP) {
            long[] results = new long[f.nResults];
            for (int i = f.nResults - 1; i >= 0; i--) {
                results[i] = pop();
            }
            checkBlockValues(f, f.labelValues, "parameter");
            checkBlockValues(f, results, "result");
            frames.remove(frames.size() - 1);
            sp = f.height;
            for (long v : results) {
                push(v);
            }
            deadAfterEnd();
            return;
        }
        endOfArm(f);
        if (f.opcode == IF && f.elseState != null) {
            // An if without else: the skipped arm carries its parameters to the end.
            if (f.elseState.reachable) {
                mergeState(f.label, f.elseState);
                for (int i = 0; i < f.nResults && i < f.elseValues.length; i++) {
                    f.labelValues[i] = merge(f.labelValues[i], f.elseValues[i]);
                }
            }
        }
        checkBlockValues(f, f.labelValues, "result");
        frames.remove(frames.size() - 1);
        sp = f.height;
        state = new State(f.label);
        for (long v : f.labelValues) {
            push(v);
        }
        deadAfterEnd();
    }

    /**
     * The parameters or results of a block, loop or if that carry references: a single i32
     * result becomes an externref result; a block type given by a type index (multi-value, or
     * with parameters) would need a new type, and a value that is a reference on some paths
     * only cannot have one type.
     */
    private void checkBlockValues(Frame f, long[] values, String what) {
        String block = f.opcode == LOOP ? "loop" : f.opcode == IF ? "if" : "block";
        for (int i = 0; i < values.length; i++) {
            long k = kind(values[i]);
            if (k == CONFLICT) {
                error(what + " " + i + " of this " + block + " is a host reference on some paths and an integer on others",
                        f.opcode, f.start);
            } else if (k == REF) {
                if (f.blockType == InstructionReader.BLOCK_VALUE) {
                    decisions.put(f.start, RETYPE);
                } else {
                    error("a host reference is " + what + " " + i + " of this " + block + ", whose type is a type index"
                            + " (multi-value); the transform cannot give it an externref type", f.opcode, f.start);
                }
            }
        }
    }

    // ---------------------------------------------------------------- calls and locals

    private void call(int callee, boolean tail) {
        if (signatures.isRemovedMarker(callee)) {
            decisions.put(in.start(), REMOVE); // reachable or not: the marker goes
            return;
        }
        FuncType t = callee >= 0 && callee < m.functionCount() ? m.funcType(m.functionTypeIndex(callee)) : null;
        if (t == null) {
            return;
        }
        BitSet refs = signatures.referencePositions(callee);
        int np = t.params().size();
        for (int i = np - 1; i >= 0; i--) {
            long v = pop();
            boolean wantRef = refs.get(i);
            if (wrongKind(v, wantRef)) { // the callee is named only for the message: naming costs a lookup
                checkKind(v, wantRef, "parameter " + i + " of " + signatures.nameOf(callee));
            } else if (!wantRef) {
                escapeIfSym(v);
            }
        }
        for (int j = 0; j < t.results().size(); j++) {
            push(refs.get(np + j) ? REF : INT);
        }
        if (tail) {
            checkResults(ownResults);
            unreachable();
        }
    }

    private void callType(FuncType t, boolean tail, String what) {
        if (t == null) {
            return;
        }
        popInts(t.params().size(), what);
        pushInts(t.results().size());
        if (tail) {
            checkResults(ownResults);
            unreachable();
        }
    }

    private void localGet(int local) {
        if (local < 0 || local >= localCount) {
            push(INT);
            return;
        }
        long v = state.get(local);
        long k = kind(v);
        if (k == CONFLICT && state.reachable) {
            error("local " + local + " holds a host reference on some paths to this use and an integer on others");
        }
        if (k == REF) {
            decide(USE_REF);
            push(REF);
        } else {
            decide(USE_INT);
            push(k == UNINIT ? INT : v);
        }
    }

    private void localSet(int local, long v, boolean tee) {
        if (local < 0 || local >= localCount) {
            if (tee) {
                push(v);
            }
            return;
        }
        long k = kind(v);
        if (k == CONFLICT && state.reachable) {
            error("a value that is a host reference on some paths and an integer on others is stored in local " + local);
        }
        decide(k == REF ? USE_REF : USE_INT);
        if (state.reachable) {
            state.set(local, k == BOTTOM ? INT : v);
        }
        if (tee) {
            push(v);
        }
    }

    // ---------------------------------------------------------------- memory

    private void addOrSub(boolean add) {
        long b = pop();
        long a = pop();
        if (kind(a) == SYM && kind(b) == CONST) {
            push(sym(symGlobal(a), add ? high(a) + high(b) : high(a) - high(b)));
        } else if (add && kind(a) == CONST && kind(b) == SYM) {
            push(sym(symGlobal(b), high(a) + high(b)));
        } else if (kind(a) == CONST && kind(b) == CONST) {
            push(constant(add ? high(a) + high(b) : high(a) - high(b)));
        } else {
            push(b);
            push(a);
            popInt(add ? "i32.add" : "i32.sub");
            popInt(add ? "i32.add" : "i32.sub");
            push(INT);
        }
    }

    private static int width(int op) {
        return switch (op) {
            case 0x29, 0x2B, 0x37, 0x39 -> 8;
            case 0x2C, 0x2D, 0x30, 0x31, 0x3A, 0x3C -> 1;
            case 0x2E, 0x2F, 0x32, 0x33, 0x3B, 0x3D -> 2;
            default -> 4;
        };
    }

    /** Slot key: the global (below 2^16) and the byte offset from its value, ordered by offset. */
    private static long slotKey(int global, long offset) {
        return ((long) global << 32) | ((offset + (1L << 31)) & 0xFFFF_FFFFL);
    }

    /** Whether {@code addr} (with a memarg offset) addresses a frame slot this analysis can track. */
    private boolean frameSlot(long addr) {
        if (kind(addr) != SYM || in.index() != 0 || symGlobal(addr) >= (1 << 16)) {
            return false;
        }
        long at = high(addr) + in.constant();
        return in.constant() >= 0 && at > Integer.MIN_VALUE / 2 && at < Integer.MAX_VALUE / 2;
    }

    private void load(int op) {
        long addr = pop();
        long offset = in.constant();
        boolean frame = frameSlot(addr);
        if (!frame) {
            if (kind(addr) == REF || kind(addr) == CONFLICT) {
                error("a host reference is used as a memory address");
            }
            escapeIfSym(addr);
            push(INT);
            return;
        }
        long at = high(addr) + offset;
        int g = symGlobal(addr);
        // A load that is not an i32.load of exactly a spilled reference reads (part of) it as a number.
        long exact = slotKey(g, at);
        for (Map.Entry<Long, Long> e : state.slots.subMap(slotKey(g, at - 3), true, slotKey(g, at + width(op) - 1), true)
                .entrySet()) {
            if ((e.getValue() == REF || e.getValue() == CONFLICT) && (op != 0x28 || e.getKey() != exact)) {
                long spilled = (e.getKey() & 0xFFFF_FFFFL) - (1L << 31);
                error("a host reference spilled to the shadow stack at offset " + spilled + " is read as an integer by a "
                        + width(op) + "-byte load at offset " + at);
                push(INT);
                return;
            }
        }
        Long slot = state.slots.get(exact);
        Long escaped = escapedFrom.get(g);
        boolean safe = escaped == null || at + 4 <= escaped;
        if (op == 0x28 && slot != null && slot == REF) {
            if (!safe) {
                error("a host reference spilled to the shadow stack at offset " + at + " is loaded back after the slot's address"
                        + " escaped (the slot may have been written by other code)");
            }
            decide(SPILL_LOAD | slotKey(g, at) << 8);
            push(REF);
        } else if (slot != null && slot == CONFLICT) {
            error("a shadow-stack slot at offset " + at + " holds a host reference on some paths and an integer on others");
            push(INT);
        } else {
            push(INT);
        }
    }

    private void store(int op) {
        long value = pop();
        long addr = pop();
        long offset = in.constant();
        boolean frame = frameSlot(addr);
        long k = kind(value);
        if (!frame) {
            if (k == REF || k == CONFLICT) {
                error("a host reference is stored to linear memory at a computed address: it escapes the function"
                        + " (references can only live in locals and tables)");
            }
            if (kind(addr) == REF || kind(addr) == CONFLICT) {
                error("a host reference is used as a memory address");
            }
            escapeIfSym(addr);
            escapeIfSym(value);
            return;
        }
        long at = high(addr) + offset;
        int g = symGlobal(addr);
        int w = width(op);
        // Anything this store overlaps now holds an integer (or, for a reference spill, the
        // reference). Slots hold only references and conflicts: a slot that is not there holds
        // an integer (or memory this function never wrote), so integer stores add nothing and
        // states stay small however many integer slots a frame has.
        long lo = slotKey(g, at - 3);
        long hi = slotKey(g, at + w - 1);
        if (lo <= hi) {
            state.slots.subMap(lo, true, hi, true).clear();
        }
        if (k == CONFLICT) {
            error("a value that is a host reference on some paths and an integer on others is stored to the shadow stack");
        } else if (k == REF) {
            if (op != 0x36) {
                error("a host reference is stored with " + Opcodes.describe(op));
            }
            decide(SPILL_STORE | slotKey(g, at) << 8);
            if (state.reachable) {
                state.slots.put(slotKey(g, at), REF);
            }
        } else {
            escapeIfSym(value);
        }
    }

    // ---------------------------------------------------------------- everything else

    private void simple(int op) {
        int[] effect = effect(op);
        if (effect == null) {
            error("the reference analysis does not support this instruction");
            // Keep going with an unknown stack so later errors stay meaningful.
            unreachable();
            return;
        }
        popInts(effect[0], Opcodes.describe(op));
        pushInts(effect[1]);
    }

    /** Pops and pushes of instructions that neither touch locals, memory slots nor control. */
    private static int[] effect(int op) {
        if (op >= 0x45 && op <= 0xC4) {
            boolean unary = op == 0x45 || op == 0x50 || (op >= 0x67 && op <= 0x69) || (op >= 0x79 && op <= 0x7B)
                    || (op >= 0x8B && op <= 0x91) || (op >= 0x99 && op <= 0x9F) || op >= 0xA7;
            return unary ? new int[] {1, 1} : new int[] {2, 1};
        }
        switch (op) {
            case 0x42, 0x43, 0x44, 0x3F, REF_NULL, REF_FUNC -> {
                return new int[] {0, 1};
            }
            case 0x40, REF_IS_NULL, 0xD4, TABLE_GET -> {
                return new int[] {1, 1};
            }
            case TABLE_SET -> {
                return new int[] {2, 0};
            }
            case 0xD3 -> {
                return new int[] {2, 1};
            }
            default -> {
            }
        }
        int prefix = op >>> 16;
        int sub = op & 0xFFFF;
        if (prefix == 0xFC) {
            return switch (sub) {
                case 0, 1, 2, 3, 4, 5, 6, 7 -> new int[] {1, 1};
                case 8, 10, 11, 12, 14, 17 -> new int[] {3, 0};
                case 9, 13 -> new int[] {0, 0};
                case 15 -> new int[] {2, 1};
                case 16 -> new int[] {0, 1};
                case 19, 20 -> new int[] {4, 2};
                case 21, 22 -> new int[] {2, 2};
                default -> null;
            };
        }
        if (prefix == 0xFD) {
            return simd(sub);
        }
        if (prefix == 0xFE) {
            if (sub == 0) {
                return new int[] {2, 1};
            }
            if (sub == 1 || sub == 2) {
                return new int[] {3, 1};
            }
            if (sub == 3) {
                return new int[] {0, 0};
            }
            if (sub >= 0x10 && sub <= 0x16) {
                return new int[] {1, 1};
            }
            if (sub >= 0x17 && sub <= 0x1D) {
                return new int[] {2, 0};
            }
            if (sub >= 0x1E && sub <= 0x47) {
                return new int[] {2, 1};
            }
            if (sub >= 0x48 && sub <= 0x4E) {
                return new int[] {3, 1};
            }
        }
        return null;
    }

    /**
     * Pops and pushes of the SIMD (0xFD) instructions, relaxed SIMD included. Their addresses
     * are popped as integers, so a frame address they use counts as escaped.
     */
    private static int[] simd(int sub) {
        if (sub <= 10 || sub == 0x5C || sub == 0x5D) {
            return new int[] {1, 1};                        // v128.load*
        }
        if (sub == 11) {
            return new int[] {2, 0};                        // v128.store
        }
        if (sub == 12) {
            return new int[] {0, 1};                        // v128.const
        }
        if (sub >= 21 && sub <= 34) {                       // extract_lane / replace_lane
            boolean replace = sub == 23 || sub == 26 || sub == 28 || sub == 30 || sub == 32 || sub == 34;
            return replace ? new int[] {2, 1} : new int[] {1, 1};
        }
        if (sub >= 0x54 && sub <= 0x57) {
            return new int[] {2, 1};                        // v128.load*_lane
        }
        if (sub >= 0x58 && sub <= 0x5B) {
            return new int[] {2, 0};                        // v128.store*_lane
        }
        if (sub == 0x52 || (sub >= 0x105 && sub <= 0x10C) || sub == 0x113) {
            return new int[] {3, 1};                        // bitselect, relaxed madd/laneselect/dot_add
        }
        boolean unary = (sub >= 15 && sub <= 20) || sub == 0x4D || sub == 0x53 || sub == 0x5E || sub == 0x5F
                || (sub >= 0x60 && sub <= 0x64) || (sub >= 0x67 && sub <= 0x6A) || sub == 0x74 || sub == 0x75
                || sub == 0x7A || (sub >= 0x7C && sub <= 0x81) || sub == 0x83 || sub == 0x84
                || (sub >= 0x87 && sub <= 0x8A) || sub == 0x94 || sub == 0xA0 || sub == 0xA1 || sub == 0xA3
                || sub == 0xA4 || (sub >= 0xA7 && sub <= 0xAA) || sub == 0xC0 || sub == 0xC1 || sub == 0xC3
                || sub == 0xC4 || (sub >= 0xC7 && sub <= 0xCA) || sub == 0xE0 || sub == 0xE1 || sub == 0xE3
                || sub == 0xEC || sub == 0xED || sub == 0xEF || (sub >= 0xF8 && sub <= 0xFF)
                || (sub >= 0x101 && sub <= 0x104);
        if (unary) {
            return new int[] {1, 1};
        }
        return sub <= 0x113 ? new int[] {2, 1} : null;     // shuffle, swizzle, comparisons, arithmetic, shifts
    }

    // ---------------------------------------------------------------- rewrite

    private Result rewrite() {
        List<FlowEdit> edits = new ArrayList<>();
        List<ValType> newLocals = new ArrayList<>();
        Map<Long, Integer> allocated = new HashMap<>();
        byte[] src = m.bytes();
        deadCode.sort((a, b) -> Integer.compare(a[0], b[0]));
        for (int[] dead : deadCode) {
            edits.add(new FlowEdit(dead[0], dead[1], new byte[] {UNREACHABLE}));
        }
        int nextDead = 0;
        for (Map.Entry<Integer, Long> d : decisions.entrySet()) {
            int start = d.getKey();
            long decision = d.getValue();
            while (nextDead < deadCode.size() && deadCode.get(nextDead)[1] <= start) {
                nextDead++;
            }
            if (nextDead < deadCode.size() && deadCode.get(nextDead)[0] <= start) {
                continue; // removed with the code that never runs
            }
            long tag = decision & 0xFF;
            InstructionReader one = InstructionReader.over(src, start, body.end());
            one.next();
            int end = one.end();
            if (tag == REMOVE) {
                edits.add(new FlowEdit(start, end, new byte[0]));
            } else if (tag == RETYPE && (one.opcode() == SELECT || one.opcode() == SELECT_TYPED)) {
                edits.add(new FlowEdit(start, end, new byte[] {(byte) SELECT_TYPED, 1, (byte) ValType.EXTERNREF.code()}));
            } else if (tag == RETYPE) {
                edits.add(new FlowEdit(start, end, new byte[] {(byte) one.opcode(), (byte) ValType.EXTERNREF.code()}));
            } else if (tag == USE_INT || tag == USE_REF) {
                int local = one.index();
                boolean wantRef = tag == USE_REF;
                boolean naturallyRef = local < params && ownRefs.get(local);
                if (wantRef == naturallyRef) {
                    continue;
                }
                int target = allocated.computeIfAbsent(((long) local << 1) | (wantRef ? 1 : 0), k -> {
                    newLocals.add(wantRef ? ValType.EXTERNREF : ValType.I32);
                    return localCount + newLocals.size() - 1;
                });
                edits.add(new FlowEdit(start, end, new ByteWriter(6).u8(one.opcode()).u32(target).toByteArray()));
            } else {
                long key = decision >>> 8;
                int slotLocal = allocated.computeIfAbsent(-1L - key, k -> {
                    newLocals.add(ValType.EXTERNREF);
                    return localCount + newLocals.size() - 1;
                });
                ByteWriter w = new ByteWriter(8);
                if (tag == SPILL_STORE) {
                    w.u8(LOCAL_SET).u32(slotLocal).u8(DROP);      // [addr, ref] -> keep the ref in a local
                } else {
                    w.u8(DROP).u8(LOCAL_GET).u32(slotLocal);      // [addr] -> the ref from its local
                }
                edits.add(new FlowEdit(start, end, w.toByteArray()));
            }
        }
        edits.sort((a, b) -> Integer.compare(a.start(), b.start()));
        return new Result(edits, newLocals);
    }
}
