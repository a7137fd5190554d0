package dev.externref.engine.transform;

import dev.externref.engine.ExternrefProcessor;
import dev.externref.engine.ProcessingResult;
import dev.externref.engine.transform.testkit.ScalingModules;
import dev.externref.engine.transform.testkit.ScalingModules.Dimension;
import dev.externref.engine.transform.testkit.ValidatedOutputs;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The transform's lookups of functions by name and of names by function stay linear in the
 * module along every dimension, counted in entries visited ({@link LookupWork}), not timed.
 * They were quadratic: every described export and every call an analysed function makes
 * scanned all exports (to name the function for a message that was rarely shown), and every
 * record scanned the exports or imports for its function.
 */
class LinearLookupTest {
    private static final int N = 400;
    private static final ExternrefProcessor PROCESSOR = ExternrefProcessor.builder().parallelism(1).build();

    @RegisterExtension
    static final ValidatedOutputs outputs = new ValidatedOutputs();

    @ParameterizedTest
    @EnumSource(Dimension.class)
    void fourTimesTheSizeVisitsAtMostFourTimesTheEntries(Dimension d) {
        long small = lookups(d, N);
        long large = lookups(d, 4 * N);
        System.out.printf("[lookups] %s: %d entries visited at N=%d, %d at 4N%n", d.label(), small, N, large);
        // Linear work a + bN gives at most 4x at 4N; quadratic work gives about 16x.
        assertTrue(large <= 4 * small + 16,
                d.label() + ": " + large + " entries visited at 4N against " + small + " at N (at most 4x when linear)");
    }

    private static long lookups(Dimension d, int n) {
        byte[] input = ScalingModules.module(d, n);
        long before = LookupWork.total();
        ProcessingResult r = outputs.process(PROCESSOR, input, d.label() + " " + n);
        long visited = LookupWork.total() - before;
        assertTrue(r.changed(), d.label() + " " + n + " was processed");
        return visited;
    }
}
