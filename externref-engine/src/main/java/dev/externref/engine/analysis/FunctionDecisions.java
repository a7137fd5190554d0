package dev.externref.engine.analysis;

import dev.externref.engine.format.ValType;

import java.util.List;

/**
 * What the analysis decided for one function: the locals to append, and what becomes of the
 * instructions it changes. Decisions, not bytes: the transform encodes them. Offsets are into
 * the module; decisions are ordered by offset and do not overlap.
 *
 * @param newLocals locals to append after the declared ones, in index order
 * @param decisions the changed instructions and ranges, by offset
 */
public record FunctionDecisions(List<ValType> newLocals, List<Decision> decisions) {
    /** A change to the instruction (or the range of code) at {@code [start, end)}. */
    public sealed interface Decision permits Unreachable, RemoveCall, ExternrefResult, RenumberLocal, SpillToLocal {
        /** Offset of the first byte changed. */
        int start();

        /** Offset just after the last byte changed. */
        int end();
    }

    /**
     * Code that never runs becomes {@code unreachable}: it must still validate, and what it
     * computes may have changed type while the locals it uses did not.
     */
    public record Unreachable(int start, int end) implements Decision {
    }

    /** A call that goes (the {@code externref.guard} marker). */
    public record RemoveCall(int start, int end) implements Decision {
    }

    /**
     * A block, loop, if ({@code opcode}, with a single i32 result) or select (either form)
     * whose result is a reference: its result type becomes externref.
     */
    public record ExternrefResult(int start, int end, int opcode) implements Decision {
    }

    /**
     * A {@code local.get/set/tee} ({@code opcode}) of a local that holds the other kind here:
     * it accesses {@code local}, the new local of that kind, instead.
     */
    public record RenumberLocal(int start, int end, int opcode, int local) implements Decision {
    }

    /**
     * An {@code i32.store} ({@code store}) or {@code i32.load} of a reference to a shadow-stack
     * slot: the reference stays in {@code local} instead; the address is dropped.
     */
    public record SpillToLocal(int start, int end, boolean store, int local) implements Decision {
    }

    /** Whether the function stays as it is. */
    public boolean isEmpty() {
        return decisions.isEmpty() && newLocals.isEmpty();
    }
}
