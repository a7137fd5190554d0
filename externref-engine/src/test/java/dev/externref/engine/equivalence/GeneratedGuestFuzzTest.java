package dev.externref.engine.equivalence;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The generator driven by the fuzzer's input (every decision it makes is read from the input),
 * under the differential oracle on Chicory: processing either refuses with a documented kind, or
 * the processed module behaves as the unprocessed one. Without {@code JAZZER_FUZZ} this runs the
 * inputs in {@code GeneratedGuestFuzzTestInputs/processingPreservesBehaviour/} as a regression
 * test; to fuzz: {@code JAZZER_FUZZ=1 mvn -pl externref-engine test -Dtest=GeneratedGuestFuzzTest}.
 */
class GeneratedGuestFuzzTest {
    @FuzzTest(maxDuration = "5m")
    void processingPreservesBehaviour(FuzzedDataProvider data) {
        GuestGenerator.Program p = GuestGenerator.generate(Choices.fuzzed(data), "fuzzer input");
        Oracle.Outcome o = Oracle.check(p.module(), p.scenario());
        assertFalse(o.bad(), () -> p.shape() + ": " + o.verdict() + " " + o.detail());
    }
}
