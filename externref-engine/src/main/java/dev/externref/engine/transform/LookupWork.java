package dev.externref.engine.transform;

import java.util.concurrent.atomic.LongAdder;

/**
 * Entries of the module's export and import lists that the transform visits to find a
 * function by name or to name a function. Tests read it to prove that these lookups stay
 * linear in the module (they were quadratic: one scan of every export per described export
 * and per call analysed); counted once per scan or lookup, not per entry in a hot loop.
 */
final class LookupWork {
    private static final LongAdder VISITED = new LongAdder();

    private LookupWork() {
    }

    static void add(int entries) {
        VISITED.add(entries);
    }

    /** The total so far in this JVM; tests take differences. */
    static long total() {
        return VISITED.sum();
    }
}
