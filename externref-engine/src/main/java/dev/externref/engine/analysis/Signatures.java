package dev.externref.engine.analysis;

import java.util.BitSet;

/** What the analysis needs to know about the functions a body calls, after processing. */
public interface Signatures {
    /**
     * Positions (parameters first, then results) of {@code function}'s type that carry
     * references after processing; empty for functions that handle no references.
     */
    BitSet referencePositions(int function);

    /** Whether calls of this function disappear (the {@code externref.guard} marker). */
    boolean isRemovedMarker(int function);

    /** How messages name a function. */
    default String nameOf(int function) {
        return "function " + function;
    }
}
