package dev.externref.engine.slots;

import dev.externref.engine.SlotAllocator;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The model of the slot table (ABI.md "Output", slot semantics), checked against what an engine
 * showed the host after every operation:
 * <ul>
 *   <li>{@code ins(null) = -1}; {@code ins(o)} returns a slot {@code >= 0} that is not live;</li>
 *   <li>{@code get(live slot)} is its object; {@code get(-1)} and {@code get(free in-range slot)}
 *       are null;</li>
 *   <li>{@code drop(live slot)} calls the hook (when configured) exactly once, with that slot's
 *       object, while the object is still in the slot; {@code drop(free slot)} calls nothing;</li>
 *   <li>any other index (out of the table, or negative; {@code -1} for drop) traps, and a trap
 *       changes nothing;</li>
 *   <li>after every operation the exported table equals the model: each live slot holds its
 *       object, every other slot is null;</li>
 *   <li>{@link SlotAllocator#AMORTIZED}: {@code size <= 8/3 * peak live + 16};</li>
 *   <li>when the engine limits the table size: insert traps only when every slot up to the
 *       limit is live.</li>
 * </ul>
 * Then, separately and stricter, the documented algorithm ({@link SlotOracle}): the slot
 * {@code ins} returns and the table size are exactly the ones it gives.
 */
final class SlotModel {
    private static final int CONTEXT = 12;
    private static final int FOREIGN = -2;

    private final SlotGuest.Config config;
    private final String where;
    private final Map<Integer, Integer> live = new HashMap<>();
    /** {@link #live} as an array: object id per slot, or {@link SlotOracle#NULL}. */
    private int[] expectedTable = new int[0];
    private final SlotOracle oracle;
    private final Deque<Object[]> recent = new ArrayDeque<>();
    /** The table as the engine showed it: object id per slot, {@link SlotOracle#NULL}, or {@link #FOREIGN}. */
    private int[] table = new int[0];
    private int size;
    private int peak;

    private final int limit;

    SlotModel(SlotGuest.Config config, String where) {
        this(config, where, Integer.MAX_VALUE);
    }

    /** @param limit the engine's maximum table size: an insert may trap once that many slots are live */
    SlotModel(SlotGuest.Config config, String where, int limit) {
        this.config = config;
        this.where = where;
        this.limit = limit;
        this.oracle = new SlotOracle(config.allocator(), limit);
    }

    int size() {
        return size;
    }

    int liveCount() {
        return live.size();
    }

    /** Checks one operation's observation; throws an {@link AssertionError} that tells where and why. */
    void check(int index, SlotOp op, Observation o) {
        remember(index, op, o);
        if (o.result().equals("e")) {
            fail(index, "semantics", "the call failed without a trap: " + o.detail());
        }
        int before = size;
        boolean inRange = Integer.compareUnsigned(op.arg(), before) < 0;
        switch (op.kind()) {
            case INSERT -> {
                expectNoHooks(index, o);
                if (op.arg() == SlotOracle.NULL) {
                    expect(index, "semantics", o.result(), "i:-1", "insert(null) must give -1");
                } else if (o.result().equals("t")) {
                    if (live.size() < limit) {
                        fail(index, "semantics", "insert trapped with " + live.size() + " live reference(s)"
                                + (limit == Integer.MAX_VALUE ? "" : " and a table limit of " + limit)
                                + ": a slot is free or the table can grow");
                    }
                } else {
                    if (!o.result().startsWith("i:")) {
                        fail(index, "semantics", "insert gave " + o.result() + ", expected a slot");
                    }
                    int slot = Integer.parseInt(o.result().substring(2));
                    if (slot < 0) {
                        fail(index, "semantics", "insert of a non-null reference gave " + slot);
                    }
                    if (live.containsKey(slot)) {
                        fail(index, "semantics", "insert gave slot " + slot + ", which is live (o" + live.get(slot) + ")");
                    }
                    live.put(slot, op.arg());
                    if (slot >= expectedTable.length) {
                        int old = expectedTable.length;
                        expectedTable = Arrays.copyOf(expectedTable, Math.max(slot + 1, 2 * old));
                        Arrays.fill(expectedTable, old, expectedTable.length, SlotOracle.NULL);
                    }
                    expectedTable[slot] = op.arg();
                    peak = Math.max(peak, live.size());
                }
            }
            case GET -> {
                expectNoHooks(index, o);
                if (op.arg() == -1 || inRange) {
                    String expected = "g:" + Observation.obj(live.getOrDefault(op.arg(), SlotOracle.NULL));
                    expect(index, "semantics", o.result(), expected,
                            op.arg() == -1 ? "get(-1) must be null" : live.containsKey(op.arg())
                                    ? "get of a live slot must give its object" : "get of a free slot must be null");
                } else {
                    expect(index, "semantics", o.result(), "t", "get out of range must trap (table size " + before + ")");
                }
            }
            case DROP -> {
                if (inRange) {
                    expect(index, "semantics", o.result(), "d", "drop of an in-range slot must return");
                    Integer id = live.remove(op.arg());
                    if (id != null) {
                        expectedTable[op.arg()] = SlotOracle.NULL;
                    }
                    List<String> expected = id == null || !config.hook() ? List.of() : List.of(Observation.obj(id));
                    if (!o.hooks().equals(expected)) {
                        fail(index, "semantics", id == null
                                ? "drop of a free slot must not call the hook, got " + o.hooks()
                                : "the drop hook must see o" + id + " exactly once" + (config.hook() ? "" : " (no hook configured: never)")
                                        + ", got " + o.hooks() + " ('!': no longer in the slot)");
                    }
                } else {
                    expectNoHooks(index, o);
                    expect(index, "semantics", o.result(), "t", "drop out of range must trap (table size " + before + ")");
                }
            }
        }
        if (o.size() < before) {
            fail(index, "semantics", "the table shrank from " + before + " to " + o.size());
        }
        if (o.result().equals("t") && (o.size() != before || !o.changes().isEmpty())) {
            fail(index, "semantics", "a trapping call changed the table");
        }
        applyChanges(index, o);
        checkTable(index);
        if (config.allocator() == SlotAllocator.AMORTIZED && 3L * size > 8L * peak + 48) {
            fail(index, "semantics", "table size " + size + " exceeds 8/3 * peak live (" + peak + ") + 16");
        }
        checkAlgorithm(index, op, o, inRange);
    }

    private void applyChanges(int index, Observation o) {
        if (o.size() > table.length) {
            int old = table.length;
            table = Arrays.copyOf(table, o.size());
            Arrays.fill(table, old, table.length, SlotOracle.NULL);
        }
        size = o.size();
        o.changes().forEach((slot, obj) -> {
            if (slot < 0 || slot >= size) {
                fail(index, "semantics", "a change reported outside the table: slot " + slot);
            }
            table[slot] = obj.equals(Observation.NULL) ? SlotOracle.NULL
                    : obj.startsWith("?") ? FOREIGN : Integer.parseInt(obj);
        });
    }

    private void checkTable(int index) {
        for (int slot = 0; slot < size; slot++) {
            int expected = slot < expectedTable.length ? expectedTable[slot] : SlotOracle.NULL;
            if (table[slot] != expected) {
                fail(index, "semantics", "table slot " + slot + " holds "
                        + (table[slot] == FOREIGN ? "a foreign value" : Observation.obj(table[slot]))
                        + ", the model says " + Observation.obj(expected)
                        + (expected == SlotOracle.NULL ? " (a free slot must be null)" : ""));
            }
        }
        for (int slot = size; slot < expectedTable.length; slot++) {
            if (expectedTable[slot] != SlotOracle.NULL) {
                fail(index, "semantics", "live slot " + slot + " is outside the table (size " + size + ")");
            }
        }
    }

    private void checkAlgorithm(int index, SlotOp op, Observation o, boolean inRange) {
        switch (op.kind()) {
            case INSERT -> {
                int slot = oracle.insert(op.arg());
                expect(index, "algorithm", o.result(), slot == SlotOracle.TRAP ? "t" : "i:" + slot,
                        config.allocator() + " as documented " + (slot == SlotOracle.TRAP ? "traps" : "picks slot " + slot));
            }
            case DROP -> {
                if (Integer.compareUnsigned(op.arg(), oracle.size()) < 0) {
                    oracle.drop(op.arg());
                }
            }
            case GET -> { }
        }
        if (oracle.size() != size) {
            fail(index, "algorithm", "table size " + size + ", " + config.allocator() + " as documented gives "
                    + oracle.size());
        }
    }

    private void expectNoHooks(int index, Observation o) {
        if (!o.hooks().isEmpty()) {
            fail(index, "semantics", "the drop hook ran outside a drop of a live slot: " + o.hooks());
        }
    }

    private void expect(int index, String kind, String actual, String expected, String why) {
        if (!actual.equals(expected)) {
            fail(index, kind, why + ": expected " + expected + ", got " + actual);
        }
    }

    private void remember(int index, SlotOp op, Observation o) {
        recent.addLast(new Object[] {index, op, o});
        if (recent.size() > CONTEXT) {
            recent.removeFirst();
        }
    }

    private void fail(int index, String kind, String message) {
        throw new AssertionError(where + " [" + config + "], op #" + index + ": " + kind + ": " + message
                + "\nlast operations (result, hooks, size, changed slots):\n"
                + recent.stream().map(r -> "  #" + r[0] + " " + r[1] + " -> " + r[2]).collect(Collectors.joining("\n")));
    }
}
