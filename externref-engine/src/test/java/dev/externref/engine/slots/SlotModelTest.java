package dev.externref.engine.slots;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import dev.externref.engine.SlotAllocator;
import dev.externref.engine.slots.SlotGuest.Config;
import dev.externref.engine.testing.Node;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Model-based test of the slot glue (ABI.md "Output", slot semantics; SlotGlue's invariants):
 * {@value #SEEDS} seeded sequences of {@value #OPS} operations ({@link SlotSequences}) run on
 * the processed guest ({@link SlotGuest}) on Chicory and in V8, for both allocators, with and
 * without a drop hook; after every operation {@link SlotModel} checks what the host saw. Both
 * engines must also have seen exactly the same thing.
 *
 * <p>A failure names the engine, the seed and the operation; rerun one seed with
 * {@code -Dslots.seed=N}.
 */
class SlotModelTest {
    static final int SEEDS = 20;
    static final int OPS = 5_000;

    static Stream<Config> configs() {
        return Stream.of(SlotAllocator.values())
                .flatMap(a -> Stream.of(new Config(a, false), new Config(a, true)));
    }

    static List<Long> seeds() {
        String one = System.getProperty("slots.seed");
        if (one != null && !one.isBlank()) {
            return List.of(Long.parseLong(one.trim()));
        }
        List<Long> seeds = new ArrayList<>();
        for (long s = 1; s <= SEEDS; s++) {
            seeds.add(s);
        }
        return seeds;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    @Timeout(120)
    void chicoryAndV8KeepTheSlotSemantics(Config config, @TempDir Path dir) {
        byte[] module = SlotGuest.processed(config);
        List<Long> seeds = seeds();
        List<List<SlotOp>> sequences = new ArrayList<>();
        for (long seed : seeds) {
            sequences.add(SlotSequences.generate(config.allocator(), seed, OPS));
        }
        CompletableFuture<List<List<Observation>>> v8 = CompletableFuture.supplyAsync(
                () -> NodeSlots.run(dir, module, config.hook(), sequences, Duration.ofSeconds(90)));

        List<List<Observation>> chicory = runOnChicory(config, module, seeds, sequences);

        List<List<Observation>> node;
        try {
            node = v8.join();
        } catch (CompletionException e) {
            // Rethrown as it is: an AssertionError, or the abort of a test without node (skipped).
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
        for (int s = 0; s < sequences.size(); s++) {
            SlotModel model = new SlotModel(config, "V8, seed " + seeds.get(s));
            List<SlotOp> ops = sequences.get(s);
            for (int i = 0; i < ops.size(); i++) {
                model.check(i, ops.get(i), node.get(s).get(i));
                Observation c = chicory.get(s).get(i);
                if (!c.sameAs(node.get(s).get(i))) {
                    throw new AssertionError("seed " + seeds.get(s) + " [" + config + "], op #" + i + " " + ops.get(i)
                            + ": Chicory and V8 disagree\n  Chicory: " + c + "\n  V8:      " + node.get(s).get(i));
                }
            }
        }
    }

    /** Runs and checks each sequence on a fresh Chicory instance; returns what the host saw. */
    static List<List<Observation>> runOnChicory(Config config, byte[] module, List<Long> seeds,
            List<List<SlotOp>> sequences) {
        List<List<Observation>> observations = new ArrayList<>();
        for (int s = 0; s < sequences.size(); s++) {
            ChicorySlots guest = new ChicorySlots(module, config.hook());
            SlotModel model = new SlotModel(config, "Chicory, seed " + seeds.get(s));
            List<Observation> seen = new ArrayList<>();
            List<SlotOp> ops = sequences.get(s);
            for (int i = 0; i < ops.size(); i++) {
                Observation o = guest.apply(ops.get(i));
                model.check(i, ops.get(i), o);
                seen.add(o);
            }
            observations.add(seen);
        }
        return observations;
    }

    /**
     * The checks can fail: the engine's output with one instruction changed (located by its
     * unique byte pattern in the glue) must fail the model on Chicory within three seeds.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "drop of a free slot calls the hook (the reference processor) | 22 01 D1 04 40 0F 0B | 22 01 D1 04 40 01 0B"
                + " | semantics: drop of a free slot must not call the hook",
        "drop leaves the reference in the table | 20 00 D0 6F 26 00 | 20 00 D0 6F 1A 1A"
                + " | (a free slot must be null)",
        "get(-1) reads the table | 20 00 41 7F 46 04 6F | 20 00 41 7E 46 04 6F | semantics: get(-1) must be null",
        "insert restarts every scan at slot 0 (correct, but O(N)) | 20 01 41 01 6A 24 01 | 41 00 41 00 6A 24 01"
                + " | algorithm: AMORTIZED as documented picks slot",
    })
    void aBrokenGlueFailsTheModel(String bug, String from, String to, String message) {
        Config config = new Config(SlotAllocator.AMORTIZED, true);
        byte[] broken = patchOnce(SlotGuest.processed(config), hex(from), hex(to));
        List<Long> seeds = List.of(1L, 2L, 3L);
        List<List<SlotOp>> sequences = seeds.stream().map(s -> SlotSequences.generate(config.allocator(), s, OPS)).toList();
        assertThatThrownBy(() -> runOnChicory(config, broken, seeds, sequences))
                .as(bug).isInstanceOf(AssertionError.class).hasMessageContaining(message);
    }

    private static byte[] hex(String s) {
        String[] parts = s.trim().split("\\s+");
        byte[] b = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            b[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return b;
    }

    private static byte[] patchOnce(byte[] module, byte[] from, byte[] to) {
        int at = -1;
        for (int i = 0; i + from.length <= module.length; i++) {
            if (Arrays.equals(module, i, i + from.length, from, 0, from.length)) {
                assertThat(at).as("the pattern occurs more than once: the glue changed, update the test").isEqualTo(-1);
                at = i;
            }
        }
        assertThat(at).as("the pattern does not occur: the glue changed, update the test").isNotEqualTo(-1);
        byte[] patched = module.clone();
        System.arraycopy(to, 0, patched, at, to.length);
        return patched;
    }

    @Test
    void theSequencesCoverWhatTheyShould() {
        for (SlotAllocator allocator : SlotAllocator.values()) {
            int inserts = 0;
            int nullInserts = 0;
            int traps = 0;
            int getMinusOne = 0;
            int freeDrops = 0;
            int neverUsedDrops = 0;
            int liveDrops = 0;
            int peak = 0;
            int maxSize = 0;
            for (long seed : seeds()) {
                SlotOracle oracle = new SlotOracle(allocator);
                int live = 0;
                for (SlotOp op : SlotSequences.generate(allocator, seed, OPS)) {
                    boolean inRange = Integer.compareUnsigned(op.arg(), oracle.size()) < 0;
                    switch (op.kind()) {
                        case INSERT -> {
                            inserts++;
                            if (oracle.insert(op.arg()) == SlotOracle.NULL) {
                                nullInserts++;
                            } else {
                                live++;
                            }
                        }
                        case GET -> {
                            getMinusOne += op.arg() == -1 ? 1 : 0;
                            traps += op.arg() != -1 && !inRange ? 1 : 0;
                        }
                        case DROP -> {
                            if (!inRange) {
                                traps++;
                            } else if (oracle.isLive(op.arg())) {
                                oracle.drop(op.arg());
                                liveDrops++;
                                live--;
                            } else if (oracle.everUsed(op.arg())) {
                                freeDrops++;
                            } else {
                                neverUsedDrops++;
                            }
                        }
                    }
                    peak = Math.max(peak, live);
                    maxSize = Math.max(maxSize, oracle.size());
                }
            }
            String what = allocator + ": ";
            assertThat(nullInserts).as(what + "null inserts").isGreaterThan(100);
            assertThat(traps).as(what + "out-of-range calls").isGreaterThan(100);
            assertThat(getMinusOne).as(what + "get(-1)").isGreaterThan(50);
            assertThat(freeDrops).as(what + "drops of free slots").isGreaterThan(200);
            assertThat(liveDrops).as(what + "drops of live slots").isGreaterThan(inserts / 3);
            assertThat(peak).as(what + "peak live").isGreaterThan(500);
            if (allocator == SlotAllocator.AMORTIZED) {
                assertThat(neverUsedDrops).as(what + "drops of never-used slots").isGreaterThan(50);
                assertThat(maxSize).as(what + "largest table").isGreaterThan(600);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(SlotAllocator.class)
    void theProcessedGuestHasTheExpectedInterface(SlotAllocator allocator) {
        for (boolean hook : new boolean[] {false, true}) {
            byte[] bytes = SlotGuest.processed(new Config(allocator, hook));
            WasmModule m = Parser.parse(bytes);
            List<String> imports = new ArrayList<>();
            for (int i = 0; i < m.importSection().importCount(); i++) {
                imports.add(m.importSection().getImport(i).module() + "." + m.importSection().getImport(i).name());
            }
            assertThat(imports).isEqualTo(hook ? List.of("host.dropped") : List.of());
            List<String> tables = new ArrayList<>();
            for (int i = 0; i < m.exportSection().exportCount(); i++) {
                if (m.exportSection().getExport(i).exportType() == ExternalType.TABLE) {
                    tables.add(m.exportSection().getExport(i).name());
                }
            }
            assertThat(tables).isEqualTo(List.of(SlotGuest.TABLE));
            assertThat(Node.validate(bytes).valid()).as(allocator + " hook=" + hook).isTrue();
        }
    }
}
