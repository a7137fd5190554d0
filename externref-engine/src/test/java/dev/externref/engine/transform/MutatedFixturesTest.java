package dev.externref.engine.transform;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.externref.engine.ExternrefProcessor;
import dev.externref.engine.ProcessingResult;
import dev.externref.engine.error.WasmException;
import dev.externref.engine.format.Section;
import dev.externref.engine.format.WasmModule;
import dev.externref.engine.testing.Checkout;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The whole transform on damaged real modules: the committed Rust fixtures with one to three
 * bytes or runs of bytes changed, inserted or deleted, a quarter of them in the sections that
 * hold indices and types (type, import, function, table, global, export, start, element), a
 * quarter in the {@code __externrefs} records, the rest anywhere.
 * Every outcome is a processed module that parses and decodes again, or a {@link WasmException}
 * with a message; never another exception, and the input is never modified. Seeded: the same
 * mutations on every run. A longer campaign is the same loop with another seed and count
 * ({@code -Dexternref.mutations.seed=7 -Dexternref.mutations=150000}); {@link #damagedFixture}
 * lets Jazzer choose the fixture and the changes, guided by coverage:
 * {@code JAZZER_FUZZ=1 mvn -pl externref-engine test -Dtest=MutatedFixturesTest#damagedFixture}.
 */
class MutatedFixturesTest {
    private static final ExternrefProcessor PROCESSOR = ExternrefProcessor.builder().parallelism(1).build();

    /** A committed fixture, with its sections that hold indices and types and its records, as [start, end) pairs. */
    private record Fixture(String name, byte[] bytes, int[] declarations, int[] records) {
    }

    private static List<Fixture> fixtures;

    private static synchronized List<Fixture> fixtures() throws IOException {
        if (fixtures == null) {
            List<Path> files = Checkout.rustFixtures();
            List<Fixture> loaded = new ArrayList<>();
            for (Path f : files) {
                byte[] bytes = Files.readAllBytes(f);
                WasmModule m = WasmModule.parse(bytes);
                Section s = m.customSection("__externrefs");
                assertTrue(s != null, f + " has no __externrefs section");
                int[] declarations = m.sections().stream()
                        .filter(x -> x.id() != Section.CUSTOM && x.id() != Section.CODE && x.id() != Section.DATA)
                        .flatMapToInt(x -> IntStream.of(x.start(), x.end())).toArray();
                loaded.add(new Fixture(f.getFileName().toString(), bytes, declarations, new int[] {s.payloadStart(), s.end()}));
            }
            fixtures = List.copyOf(loaded);
        }
        return fixtures;
    }

    @Test
    void everyOutcomeIsAModuleOrAWasmException() throws IOException {
        List<Fixture> all = fixtures();
        long seed = Long.getLong("externref.mutations.seed", 20261203L);
        int count = Integer.getInteger("externref.mutations", 3000);
        Random random = new Random(seed);
        int processed = 0;
        for (int i = 0; i < count; i++) {
            Fixture f = all.get(random.nextInt(all.size()));
            byte[] mutated = f.bytes().clone();
            int changes = 1 + random.nextInt(3);
            for (int j = 0; j < changes; j++) {
                int where = random.nextInt(4);
                int at = random.nextInt(mutated.length);
                if (where == 0) {
                    int k = 2 * random.nextInt(f.declarations().length / 2);
                    at = f.declarations()[k] + random.nextInt(f.declarations()[k + 1] - f.declarations()[k]);
                } else if (where == 1) {
                    at = f.records()[0] + random.nextInt(f.records()[1] - f.records()[0]);
                }
                byte[] run = new byte[1 + random.nextInt(8)];
                random.nextBytes(run);
                mutated = change(mutated, Math.min(at, mutated.length - 1), random.nextInt(6), random.nextInt(8), run);
            }
            processed += outcome(mutated, "mutation " + i + " of seed " + seed + " (" + f.name() + ")") ? 1 : 0;
        }
        System.out.printf("[mutations] seed %d: %d processed, %d rejected with an error%n", seed, processed, count - processed);
        assertTrue(processed > count / 20 && count - processed > count / 2, "both outcomes are exercised");
    }

    /** The same property with the fixture and one to four changes chosen by the fuzzer. */
    @FuzzTest(maxDuration = "5m")
    void damagedFixture(FuzzedDataProvider data) throws IOException {
        List<Fixture> all = fixtures();
        Fixture f = all.get(data.consumeInt(0, all.size() - 1));
        byte[] mutated = f.bytes().clone();
        int changes = data.consumeInt(1, 4);
        for (int j = 0; j < changes; j++) {
            int kind = data.consumeInt(0, 5);
            int bit = data.consumeInt(0, 7);
            int at = data.consumeInt(0, mutated.length - 1);
            mutated = change(mutated, at, kind, bit, data.consumeBytes(1 + data.consumeInt(0, 7)));
        }
        outcome(mutated, "fuzzer input on " + f.name());
    }

    /**
     * Processes {@code module}: true when it processed into a module that parses and decodes
     * again, false when it ended in a {@link WasmException}; fails on anything else, or when
     * the input was modified.
     */
    private static boolean outcome(byte[] module, String what) {
        byte[] copy = module.clone();
        boolean processed = false;
        try {
            ProcessingResult r = PROCESSOR.process(module);
            WasmModule.parse(r.output()).decodeAllBodies();
            processed = true;
        } catch (WasmException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), what + ": an error without a message");
        } catch (RuntimeException | StackOverflowError e) {
            fail(what + " ended in " + e, e);
        }
        assertArrayEquals(copy, module, what + ": the input was modified");
        return processed;
    }

    /**
     * One change at {@code at}: 0 a bit ({@code bit}) flipped, 1 the byte set to {@code run[0]},
     * 2 the byte moved by one, 3 a run of {@code run.length} bytes deleted, 4 {@code run}
     * inserted, 5 a run of {@code run.length} bytes repeated.
     */
    static byte[] change(byte[] m, int at, int kind, int bit, byte[] run) {
        if (m.length == 0) {
            return m;
        }
        byte[] out = m.clone();
        switch (kind) {
            case 0 -> out[at] ^= (byte) (1 << bit);
            case 1 -> out[at] = run.length > 0 ? run[0] : 0;
            case 2 -> out[at] += (byte) ((bit & 1) == 0 ? 1 : -1);
            case 3 -> out = splice(m, at, Math.min(run.length, m.length - at), new byte[0]);
            case 4 -> out = splice(m, at, 0, run);
            default -> out = splice(m, at, 0, Arrays.copyOfRange(m, at, Math.min(m.length, at + run.length)));
        }
        return out;
    }

    /** {@code m} with {@code removed} bytes at {@code at} replaced by {@code inserted}. */
    private static byte[] splice(byte[] m, int at, int removed, byte[] inserted) {
        byte[] out = new byte[m.length - removed + inserted.length];
        System.arraycopy(m, 0, out, 0, at);
        System.arraycopy(inserted, 0, out, at, inserted.length);
        System.arraycopy(m, at + removed, out, at + inserted.length, m.length - at - removed);
        return out;
    }
}
