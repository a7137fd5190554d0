package dev.externref.engine.analysis;

import dev.externref.engine.error.InvalidModuleException;
import dev.externref.engine.error.ProcessingException;
import dev.externref.engine.error.ProcessingException.Kind;
import dev.externref.engine.format.FunctionBody;
import dev.externref.engine.format.InstructionReader;
import dev.externref.engine.format.Opcodes;
import dev.externref.engine.format.ValType;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one pass of the analysis found: a decision per instruction (by its offset), the ranges of
 * code that never run, and the first error. Each pass starts a new log, since a later pass knows
 * more (loops, escapes); the last pass's log is the answer, turned into {@link FunctionDecisions}
 * by {@link #plan}. Decisions are tagged longs so that recording one costs a map entry only.
 */
final class DecisionLog {
    // Decisions: the kind of access, tagged in the low byte.
    static final long USE_INT = 1;
    static final long USE_REF = 2;
    static final long REMOVE = 3;
    static final long SPILL_STORE = 4; // slot key above
    static final long SPILL_LOAD = 5;
    static final long RETYPE = 6;      // block, loop, if, select: its i32 result becomes externref

    private final String function;
    private final Map<Integer, Long> decisions = new TreeMap<>();
    private final List<int[]> deadCode = new ArrayList<>(); // [from, to): never runs, becomes `unreachable`
    private ProcessingException firstError;

    /** @param function how messages name the function */
    DecisionLog(String function) {
        this.function = function;
    }

    void clear() {
        decisions.clear();
        deadCode.clear();
        firstError = null;
    }

    /** Records a decision about the current instruction of {@code in}, where some path reaches it. */
    void decide(AbstractState state, InstructionReader in, long decision) {
        if (state.reachable) {
            decisions.put(in.start(), decision);
        }
    }

    /** Records a decision about the instruction at {@code at}, reachable or not. */
    void decide(int at, long decision) {
        decisions.put(at, decision);
    }

    /** Code in {@code [from, to)} never runs. */
    void deadCode(int from, int to) {
        deadCode.add(new int[] {from, to});
    }

    /** An error at the current instruction of {@code in}, unless no path reaches it: what never runs is removed. */
    void error(AbstractState state, InstructionReader in, String message) {
        if (state.reachable) {
            error(message, in.opcode(), in.start());
        }
    }

    /** An error at the instruction {@code opcode} at {@code at}; the first one of a pass is the one reported. */
    void error(String message, int opcode, int at) {
        if (firstError == null) {
            firstError = new ProcessingException(Kind.UNSUPPORTED_REFERENCE_FLOW, function, at,
                    function + ": " + message + " (" + Opcodes.describe(opcode) + " at byte offset " + at + ")");
        }
    }

    /** Code that does not validate, at {@code at}: an error whether or not a path reaches it. */
    InvalidModuleException invalid(String message, int at) {
        return new InvalidModuleException(function + ": " + message, at);
    }

    /** The first error of the pass, or null. */
    ProcessingException firstError() {
        return firstError;
    }

    /**
     * The plan these decisions amount to: every local accessed against its declared kind gets
     * a new local of the other kind (one per local and kind), every spill slot a new externref
     * local, and what lies in code that never runs goes with it.
     *
     * @param params     the function's parameter count
     * @param ownRefs    which parameters are references
     * @param localCount parameters and declared locals: the first new local's index
     */
    FunctionDecisions plan(byte[] module, FunctionBody body, int params, BitSet ownRefs, int localCount) {
        List<FunctionDecisions.Decision> plan = new ArrayList<>();
        List<ValType> newLocals = new ArrayList<>();
        Map<Long, Integer> allocated = new HashMap<>();
        deadCode.sort(BY_START);
        for (int[] dead : deadCode) {
            plan.add(new FunctionDecisions.Unreachable(dead[0], dead[1]));
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
            InstructionReader one = InstructionReader.over(module, start, body.end());
            one.next();
            int end = one.end();
            if (tag == REMOVE) {
                plan.add(new FunctionDecisions.RemoveCall(start, end));
            } else if (tag == RETYPE) {
                plan.add(new FunctionDecisions.ExternrefResult(start, end, one.opcode()));
            } else if (tag == USE_INT || tag == USE_REF) {
                int local = one.index();
                boolean wantRef = tag == USE_REF;
                boolean naturallyRef = local < params && ownRefs.get(local);
                if (wantRef == naturallyRef) {
                    continue;
                }
                int target = newLocal(allocated, ((long) local << 1) | (wantRef ? 1 : 0),
                        wantRef ? ValType.EXTERNREF : ValType.I32, newLocals, localCount);
                plan.add(new FunctionDecisions.RenumberLocal(start, end, one.opcode(), target));
            } else {
                long key = decision >>> 8;
                int slotLocal = newLocal(allocated, -1L - key, ValType.EXTERNREF, newLocals, localCount);
                plan.add(new FunctionDecisions.SpillToLocal(start, end, tag == SPILL_STORE, slotLocal));
            }
        }
        plan.sort(DECISION_BY_START);
        return new FunctionDecisions(Collections.unmodifiableList(newLocals), Collections.unmodifiableList(plan));
    }

    /** The local allocated for {@code key}, allocating it as a new local of {@code type} the first time. */
    private static int newLocal(Map<Long, Integer> allocated, long key, ValType type, List<ValType> newLocals, int localCount) {
        Integer local = allocated.get(key);
        if (local == null) {
            newLocals.add(type);
            local = localCount + newLocals.size() - 1;
            allocated.put(key, local);
        }
        return local;
    }

    // Comparators as classes, not lambdas: a lambda's first use costs a one-module JVM milliseconds.
    private static final Comparator<int[]> BY_START = new Comparator<>() {
        @Override
        public int compare(int[] a, int[] b) {
            return Integer.compare(a[0], b[0]);
        }
    };

    private static final Comparator<FunctionDecisions.Decision> DECISION_BY_START = new Comparator<>() {
        @Override
        public int compare(FunctionDecisions.Decision a, FunctionDecisions.Decision b) {
            return Integer.compare(a.start(), b.start());
        }
    };
}
