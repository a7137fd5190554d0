package dev.externref.engine.equivalence;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;

import java.util.SplittableRandom;

/** Where the generator's decisions come from: a seeded random source, or the fuzzer's input. */
interface Choices {
    /** A number in {@code 0..bound-1}. */
    int below(int bound);

    default boolean chance(int percent) {
        return below(100) < percent;
    }

    static Choices seeded(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return random::nextInt;
    }

    /** Decisions read from fuzzer input; once it is used up, every decision is the first option. */
    static Choices fuzzed(FuzzedDataProvider data) {
        return bound -> bound <= 1 ? 0 : data.consumeInt(0, bound - 1);
    }
}
