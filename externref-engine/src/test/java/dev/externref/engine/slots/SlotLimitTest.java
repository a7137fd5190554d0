package dev.externref.engine.slots;

import static org.assertj.core.api.Assertions.assertThat;

import dev.externref.engine.SlotAllocator;
import dev.externref.engine.slots.SlotGuest.Config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The slot glue in an engine that limits table sizes (V8: {@code --wasm-max-table-size},
 * default 10,000,000; embedders of other engines set lower limits): {@code table.grow} fails
 * beyond the limit, and the glue must still use every free slot. An insert may trap only when
 * every slot up to the limit is live.
 */
class SlotLimitTest {
    private static final int LIMIT = 100;

    /** 100 inserts fill a table limited to 100 slots; one drop frees slot 0; the next insert must get it. */
    static List<SlotOp> reuseAtTheLimit() {
        List<SlotOp> ops = new ArrayList<>();
        for (int id = 0; id < LIMIT; id++) {
            ops.add(SlotOp.insert(id));
        }
        ops.add(SlotOp.insert(LIMIT));     // full: traps
        ops.add(SlotOp.get(LIMIT - 1));    // and changed nothing
        ops.add(SlotOp.drop(0));
        ops.add(SlotOp.insert(LIMIT + 1)); // slot 0 is free
        ops.add(SlotOp.get(0));
        ops.add(SlotOp.insert(LIMIT + 2)); // full again: traps
        return ops;
    }

    @ParameterizedTest
    @EnumSource(SlotAllocator.class)
    void anInsertIntoATableAtItsLimitReusesTheFreeSlot(SlotAllocator allocator, @TempDir Path dir) {
        Config config = new Config(allocator, true);
        byte[] module = SlotGuest.processed(config);
        List<SlotOp> ops = reuseAtTheLimit();
        List<Observation> chicory = run(config, module, "Chicory", ops, new ChicorySlots(module, true, LIMIT));
        List<Observation> v8 = NodeSlots.run(dir, module, true, List.of(ops), Duration.ofSeconds(60), LIMIT).get(0);
        check(config, "V8", ops, v8);
        for (List<Observation> seen : List.of(chicory, v8)) {
            assertThat(seen.get(LIMIT - 1).size()).isEqualTo(LIMIT);
            assertThat(seen.get(LIMIT).result()).isEqualTo("t");
            assertThat(seen.get(LIMIT + 3).result()).as("insert after drop(0) at the limit").isEqualTo("i:0");
            assertThat(seen.get(LIMIT + 4).result()).isEqualTo("g:" + (LIMIT + 1));
            assertThat(seen.get(LIMIT + 5).result()).isEqualTo("t");
        }
    }

    static Stream<Config> configs() {
        return SlotModelTest.configs();
    }

    /** Random sequences that keep running into the limit (64: a growth step lands on it; 100: it does not). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    @Timeout(60)
    void theModelHoldsAtTheLimit(Config config, @TempDir Path dir) {
        byte[] module = SlotGuest.processed(config);
        for (int limit : new int[] {64, 100}) {
            List<List<SlotOp>> sequences = new ArrayList<>();
            for (long seed = 1; seed <= 5; seed++) {
                sequences.add(SlotSequences.atLimit(config.allocator(), seed, 3_000, limit));
            }
            List<List<Observation>> v8 = NodeSlots.run(dir.resolve("limit-" + limit), module, config.hook(), sequences,
                    Duration.ofSeconds(60), limit);
            int traps = 0;
            for (int s = 0; s < sequences.size(); s++) {
                String where = "limit " + limit + ", seed " + (s + 1);
                List<SlotOp> ops = sequences.get(s);
                List<Observation> chicory = run(config, module, "Chicory, " + where, ops,
                        new ChicorySlots(module, config.hook(), limit), limit);
                check(config, "V8, " + where, ops, v8.get(s), limit);
                for (int i = 0; i < ops.size(); i++) {
                    assertThat(v8.get(s).get(i).line()).as("%s op #%d %s: V8 vs Chicory", where, i, ops.get(i))
                            .isEqualTo(chicory.get(i).line());
                    if (ops.get(i).kind() == SlotOp.Kind.INSERT && chicory.get(i).result().equals("t")) {
                        traps++;
                    }
                }
            }
            assertThat(traps).as("inserts into a full table").isGreaterThan(20);
        }
    }

    private static List<Observation> run(Config config, byte[] module, String where, List<SlotOp> ops, ChicorySlots guest) {
        return run(config, module, where, ops, guest, LIMIT);
    }

    private static List<Observation> run(Config config, byte[] module, String where, List<SlotOp> ops, ChicorySlots guest,
            int limit) {
        List<Observation> seen = new ArrayList<>();
        for (SlotOp op : ops) {
            seen.add(guest.apply(op));
        }
        check(config, where, ops, seen, limit);
        return seen;
    }

    private static void check(Config config, String where, List<SlotOp> ops, List<Observation> seen) {
        check(config, where, ops, seen, LIMIT);
    }

    private static void check(Config config, String where, List<SlotOp> ops, List<Observation> seen, int limit) {
        SlotModel model = new SlotModel(config, where + " (table limit " + limit + ")", limit);
        for (int i = 0; i < ops.size(); i++) {
            model.check(i, ops.get(i), seen.get(i));
        }
    }
}
