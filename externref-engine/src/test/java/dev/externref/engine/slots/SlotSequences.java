package dev.externref.engine.slots;

import dev.externref.engine.SlotAllocator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Seeded random operation sequences for the slot guest. A sequence is a run of phases: a random
 * mix, bursts of inserts followed by bulk drops, drop-oldest/insert churn, drop-newest/insert
 * churn, drop-random/insert churn, and edge cases (null inserts, the same object in two slots,
 * double drops, drops of in-range slots that were never used, get of free slots and of -1,
 * out-of-range get/drop that must trap). The generator follows the documented algorithm of the
 * allocator ({@link SlotOracle}) to know the table size and the free slots, so the same seed
 * gives different (but reproducible) sequences per allocator.
 */
final class SlotSequences {
    private final Random random;
    private final SlotOracle oracle;
    private final int maxLive;
    private final int limit;
    private final List<SlotOp> ops = new ArrayList<>();
    /** Live slots, oldest first. */
    private final List<Integer> live = new ArrayList<>();
    private int nextId;

    private SlotSequences(SlotAllocator allocator, long seed, int maxLive, int limit) {
        this.random = new Random(seed);
        this.oracle = new SlotOracle(allocator, limit);
        this.maxLive = maxLive;
        this.limit = limit;
    }

    /** The live-count limit of a seed: small and large tables both get their share. */
    static int maxLive(long seed) {
        return new int[] {40, 120, 300, 600}[(int) Math.floorMod(seed, 4L)];
    }

    static List<SlotOp> generate(SlotAllocator allocator, long seed, int count) {
        SlotSequences g = new SlotSequences(allocator, seed, maxLive(seed), Integer.MAX_VALUE);
        while (g.ops.size() < count) {
            g.phase();
        }
        return List.copyOf(g.ops.subList(0, count));
    }

    /**
     * Sequences for an engine that lets the table have at most {@code limit} slots: the phases of
     * {@link #generate} with up to {@code limit + 2} live references wanted, so the table fills
     * up, inserts into a full table (which must trap) alternate with drops, and inserts land in
     * a table at its limit with some slots free.
     */
    static List<SlotOp> atLimit(SlotAllocator allocator, long seed, int count, int limit) {
        SlotSequences g = new SlotSequences(allocator, seed, limit + 2, limit);
        while (g.ops.size() < count) {
            if (g.random.nextInt(3) == 0) {
                g.fill();
            } else {
                g.phase();
            }
        }
        return List.copyOf(g.ops.subList(0, count));
    }

    /** Inserts until the table is full and one more (a trap), then frees a few slots. */
    private void fill() {
        while (live.size() < maxLive - 2) {
            insert(newObject());
        }
        insert(newObject());
        for (int i = 1 + random.nextInt(10); i > 0 && !live.isEmpty(); i--) {
            drop(live.get(random.nextInt(live.size())));
        }
    }

    private void phase() {
        switch (random.nextInt(7)) {
            case 0, 1 -> mix(100 + random.nextInt(300));
            case 2 -> burst();
            case 3 -> churn(100 + random.nextInt(300), Victim.OLDEST);
            case 4 -> churn(50 + random.nextInt(150), Victim.NEWEST);
            case 5 -> churn(100 + random.nextInt(200), Victim.RANDOM);
            default -> edges(20 + random.nextInt(40));
        }
    }

    private enum Victim { OLDEST, NEWEST, RANDOM }

    private void mix(int n) {
        for (int i = 0; i < n; i++) {
            int r = random.nextInt(100);
            if (r < 45) {
                insertSomething();
            } else if (r < 70) {
                get(randomIndex());
            } else {
                drop(randomIndex());
            }
        }
    }

    /** Inserts up to the live limit, then drops most or all live slots in some order. */
    private void burst() {
        int k = 1 + random.nextInt(Math.max(1, maxLive - live.size()));
        for (int i = 0; i < k && live.size() < maxLive; i++) {
            insert(newObject());
        }
        List<Integer> victims = new ArrayList<>(live);
        switch (random.nextInt(3)) {
            case 0 -> Collections.shuffle(victims, random);
            case 1 -> Collections.sort(victims);
            default -> victims.sort(Collections.reverseOrder());
        }
        int keep = random.nextBoolean() ? 0 : random.nextInt(victims.size() / 4 + 1);
        for (int slot : victims.subList(0, victims.size() - keep)) {
            drop(slot);
        }
    }

    private void churn(int n, Victim victim) {
        int target = Math.min(Math.min(maxLive, limit), 10 + random.nextInt(maxLive));
        while (live.size() < target) {
            insert(newObject());
        }
        for (int i = 0; i < n; i++) {
            if (!live.isEmpty()) {
                int slot = switch (victim) {
                    case OLDEST -> live.get(0);
                    case NEWEST -> live.get(live.size() - 1);
                    case RANDOM -> live.get(random.nextInt(live.size()));
                };
                drop(slot);
            }
            insert(newObject());
            if (random.nextInt(8) == 0 && !live.isEmpty()) {
                get(live.get(random.nextInt(live.size())));
            }
        }
    }

    private void edges(int n) {
        for (int i = 0; i < n; i++) {
            switch (random.nextInt(9)) {
                case 0 -> insert(SlotOracle.NULL);
                case 1 -> { // the same object in a second slot
                    if (!live.isEmpty()) {
                        insert(oracle.at(live.get(random.nextInt(live.size()))));
                    }
                }
                case 2 -> { // double drop, sometimes with a look in between
                    if (!live.isEmpty()) {
                        int slot = live.get(random.nextInt(live.size()));
                        drop(slot);
                        if (random.nextBoolean()) {
                            get(slot);
                        }
                        drop(slot);
                    }
                }
                case 3 -> drop(neverUsedOrFree());
                case 4 -> get(neverUsedOrFree());
                case 5 -> get(-1);
                case 6 -> get(outOfRange(false));
                case 7 -> drop(outOfRange(true));
                default -> insertSomething();
            }
        }
    }

    private void insertSomething() {
        if (live.size() >= maxLive) {
            drop(live.get(random.nextInt(live.size())));
            return;
        }
        int r = random.nextInt(100);
        if (r < 7) {
            insert(SlotOracle.NULL);
        } else if (r < 15 && !live.isEmpty()) {
            insert(oracle.at(live.get(random.nextInt(live.size()))));
        } else {
            insert(newObject());
        }
    }

    /** Mostly live slots, else free or never-used ones, -1, or out of range. */
    private int randomIndex() {
        int r = random.nextInt(100);
        if (r < 60 && !live.isEmpty()) {
            return live.get(random.nextInt(live.size()));
        } else if (r < 80) {
            return neverUsedOrFree();
        } else if (r < 88) {
            return -1;
        }
        return outOfRange(true);
    }

    /** An in-range slot that was never used if there is one, else a free slot, else any index. */
    private int neverUsedOrFree() {
        int size = oracle.size();
        if (size == 0) {
            return random.nextInt(3) - 1;
        }
        if (random.nextBoolean()) {
            for (int tries = 0; tries < 32; tries++) {
                int slot = random.nextInt(size);
                if (!oracle.everUsed(slot)) {
                    return slot;
                }
            }
        }
        for (int tries = 0; tries < 32; tries++) {
            int slot = random.nextInt(size);
            if (!oracle.isLive(slot)) {
                return slot;
            }
        }
        return random.nextInt(size);
    }

    /** An index that must trap: just past the end, far past it, or negative (-1 only for drop). */
    private int outOfRange(boolean minusOneToo) {
        int size = oracle.size();
        return switch (random.nextInt(minusOneToo ? 7 : 6)) {
            case 0 -> size;
            case 1 -> size + 1;
            case 2 -> size + random.nextInt(1000);
            case 3 -> Integer.MAX_VALUE;
            case 4 -> Integer.MIN_VALUE;
            case 5 -> -2 - random.nextInt(1000);
            default -> -1;
        };
    }

    private int newObject() {
        return nextId++;
    }

    private void insert(int id) {
        ops.add(SlotOp.insert(id));
        int slot = oracle.insert(id);
        if (slot >= 0) {
            live.add(slot);
        }
    }

    private void get(int index) {
        ops.add(SlotOp.get(index));
    }

    private void drop(int index) {
        ops.add(SlotOp.drop(index));
        if (Integer.compareUnsigned(index, oracle.size()) < 0 && oracle.drop(index) != SlotOracle.NULL) {
            live.remove(Integer.valueOf(index));
        }
    }
}
