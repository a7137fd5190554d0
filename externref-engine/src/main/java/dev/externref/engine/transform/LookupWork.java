package dev.externref.engine.transform;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Entries of the module's export and import lists that the transform visits to find a
 * function by name or to name a function. Tests read it to prove that these lookups stay
 * linear in the module (they were quadratic: one scan of every export per described export
 * and per call analysed); counted once per scan or lookup, not per entry in a hot loop.
 */
final class LookupWork {
    // An AtomicLong, not a LongAdder: LongAdder's first use sets up the JDK's VarHandle
    // machinery, 5-7 ms of every command-line run on a small module; one add per scan never contends.
    private static final AtomicLong VISITED = new AtomicLong();

    private LookupWork() {
    }

    static void add(int entries) {
        VISITED.addAndGet(entries);
    }

    /** The total so far in this JVM; tests take differences. */
    static long total() {
        return VISITED.get();
    }
}
