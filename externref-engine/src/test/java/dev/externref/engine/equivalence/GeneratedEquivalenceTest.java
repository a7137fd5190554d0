package dev.externref.engine.equivalence;

import dev.externref.engine.equivalence.GuestGenerator.Shape;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A fixed-seed sample of generated programs ({@code scripts/equivalence.sh} runs any number):
 * each processes and behaves the same on Chicory and in V8, or is refused with a documented
 * error kind; every shape occurs, and every shape that keeps the ABI mostly processes.
 */
class GeneratedEquivalenceTest {
    static final long SEED = 20_000;
    static final int PROGRAMS = 600;

    @Test
    void aFixedSampleOfGeneratedProgramsBehavesTheSameProcessed() throws IOException {
        EquivalenceRun run = new EquivalenceRun(Path.of("target/equivalence-findings"), new PrintStream(System.out, true));
        run.run(SEED, PROGRAMS, true, 400);
        assertEquals(List.of(), run.findings());
        assertEquals(Shape.values().length, run.tallies().size(), "every shape was generated: " + run.tallies().keySet());
        run.tallies().forEach((shape, t) -> {
            if (!shape.negative() && shape != Shape.BLOCK_PARAMS && shape != Shape.MIXED) {
                assertTrue(t.processed * 2 > t.programs, shape + ": " + t.processed + " of " + t.programs + " processed");
            }
        });
    }
}
