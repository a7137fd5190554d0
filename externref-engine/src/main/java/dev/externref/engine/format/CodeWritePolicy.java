package dev.externref.engine.format;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How a {@link ModuleWriter} writes the code section: on the calling thread, or in runs of
 * bodies on several threads (the bytes are the same either way). Passed in by the caller; the
 * writer keeps no state between modules except through {@link WarmUp}, which the caller owns.
 *
 * @param threads           1: one thread; 0: automatic (the available processors, at most 8, for
 *                          sections of {@code parallelThreshold} bytes or more); more: that many threads
 * @param parallelThreshold code sections at least this large are written on several threads in automatic mode
 * @param runBytes          bytes of bodies one task encodes
 * @param warmUp            the budget of code written on the calling thread before threads are used,
 *                          and the count of code written that picks the decoder (see
 *                          {@code InstructionReader#FAST_DECODING_BYTES}); null: none, threads from
 *                          the first body
 */
public record CodeWritePolicy(int threads, int parallelThreshold, int runBytes, WarmUp warmUp) {
    /** Code sections at least this large are written on several threads in automatic mode. */
    public static final int PARALLEL_THRESHOLD = 4 << 20;
    /** Bytes of bodies one task encodes. */
    public static final int RUN_BYTES = 1 << 20;
    /**
     * Code written on the calling thread before the automatic mode spreads bodies over threads.
     * While the JIT compiles the decoder, its compiler threads need the cores that writer
     * threads would take: on 2 cores the first module of a fresh JVM ran 20-30% slower on two
     * writer threads than on one. So only the first modules of a {@link WarmUp} pay.
     */
    public static final long WARM_UP_CODE_BYTES = 16 << 20;

    /** Everything on the calling thread. */
    public static final CodeWritePolicy SINGLE_THREADED = new CodeWritePolicy(1, PARALLEL_THRESHOLD, RUN_BYTES, null);

    /** Checks the thread count and the run size. */
    public CodeWritePolicy {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be 0 (automatic) or more: " + threads);
        }
        if (runBytes <= 0) {
            throw new IllegalArgumentException("runBytes must be positive: " + runBytes);
        }
    }

    /**
     * The policy for a thread count as users give it: 0 automatic, after {@code warmUp}'s budget
     * (which the caller keeps across modules); 1 single-threaded (the warm-up only counts); more:
     * that many threads at once.
     */
    public static CodeWritePolicy of(int threads, WarmUp warmUp) {
        // Single-threaded, the warm-up still counts code: the decoder's choice reads it.
        return new CodeWritePolicy(threads, PARALLEL_THRESHOLD, RUN_BYTES, threads <= 1 ? warmUp : null);
    }

    /** Threads for a code section of {@code codeBytes}. */
    int threadsFor(int codeBytes) {
        if (threads > 0) {
            return threads;
        }
        return codeBytes >= parallelThreshold ? Math.min(Runtime.getRuntime().availableProcessors(), 8) : 1;
    }

    /**
     * The code a caller has written so far, against a budget: until it is spent, the automatic
     * mode writes on the calling thread (see {@link #WARM_UP_CODE_BYTES}). One per processor, or
     * one shared by the processors of a JVM; thread-safe.
     */
    public static final class WarmUp {
        private final long budget;
        private final AtomicLong written = new AtomicLong();

        /** A budget of {@link #WARM_UP_CODE_BYTES}. */
        public WarmUp() {
            this(WARM_UP_CODE_BYTES);
        }

        /** A budget of {@code budget} code bytes. */
        public WarmUp(long budget) {
            this.budget = budget;
        }

        /** Code bytes still to be written on the calling thread (0 or less: warm). */
        public long remaining() {
            return budget - written.get();
        }

        /** Code bytes written so far. */
        public long written() {
            return written.get();
        }

        /** Counts a code section written. */
        void add(long codeBytes) {
            written.addAndGet(codeBytes);
        }
    }
}
