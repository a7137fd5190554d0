package dev.externref.engine.transform;

import java.util.BitSet;

/**
 * Which functions handle references, decided in one place: a described function (an export or
 * import whose record marks references), and any function that calls the {@code insert},
 * {@code get} or {@code guard} surrogate or a described function. Only those pay for the
 * reference analysis. The writer's body hook asks first, from the functions a body references;
 * the body rewriter asks again, from its calls, before it analyzes.
 *
 * <p>Also the reference positions of every callee after processing: the surrogates' glue
 * takes or gives one reference, a described function those its record marks.
 */
final class ReferenceHandlers {
    private static final BitSet NONE = new BitSet();
    private static final BitSet INSERT = BitSet.valueOf(new long[] {0b01});  // (ref) -> i32
    private static final BitSet GET = BitSet.valueOf(new long[] {0b10});     // (i32) -> ref

    private final Surrogates surrogates;
    private final BitSet[] refPositions;

    /** @param refPositions per function: the reference positions of its new type, or null when it is not described */
    ReferenceHandlers(Surrogates surrogates, BitSet[] refPositions) {
        this.surrogates = surrogates;
        this.refPositions = refPositions;
    }

    /** Whether {@code function}'s own type carries references (its record marks some). */
    boolean isDescribed(int function) {
        return function >= 0 && function < refPositions.length && refPositions[function] != null;
    }

    /** Whether a call of {@code function} makes its caller handle references. */
    boolean isTrigger(int function) {
        return function >= 0 && (function == surrogates.insertFunction || function == surrogates.getFunction
                || function == surrogates.guardFunction || isDescribed(function));
    }

    /** Whether the calls of the guard marker are removed. */
    boolean isGuard(int function) {
        return function >= 0 && function == surrogates.guardFunction;
    }

    /** Positions (parameters, then results) of {@code function}'s type that carry references after processing. */
    BitSet referencePositions(int function) {
        if (function == surrogates.insertFunction) {
            return INSERT;
        }
        if (function == surrogates.getFunction) {
            return GET;
        }
        BitSet refs = function >= 0 && function < refPositions.length ? refPositions[function] : null;
        return refs == null ? NONE : refs;
    }

    /** {@link #referencePositions} of a function's own type: its described positions, or none. */
    BitSet ownPositions(int function) {
        return isDescribed(function) ? refPositions[function] : NONE;
    }
}
