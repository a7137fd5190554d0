package dev.externref.host;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Random sequences of hand-outs, look-ups and releases against a model: a map from object (by
 * identity) to the references the guest holds, and the handles seen so far.
 */
class ExternRefsPropertyTest {
    private static final int SEEDS = 100;
    private static final int STEPS = 1_000;

    /** What the registry must do, kept by the simplest means. */
    private static final class Model {
        final Map<Object, Integer> holds = new IdentityHashMap<>();
        final Map<Object, Long> handleOf = new IdentityHashMap<>();
        final Set<Long> retired = new HashSet<>();
        final Set<Long> everIssued = new HashSet<>();
        long held;
    }

    @Test
    void randomSequencesAgreeWithTheModel() {
        for (int seed = 0; seed < SEEDS; seed++) {
            run(new Random(seed), seed);
        }
    }

    private static void run(Random random, int seed) {
        ExternRefs refs = new ExternRefs();
        Model model = new Model();
        List<Object> pool = new ArrayList<>();
        for (int step = 0; step < STEPS; step++) {
            String where = "seed " + seed + " step " + step;
            int op = random.nextInt(10);
            if (op < 4) {
                // hand out a new object, or one seen before (held or not), or null
                Object o = pool.isEmpty() || random.nextInt(3) == 0 ? newObject(random, pool) : pool.get(random.nextInt(pool.size()));
                if (random.nextInt(20) == 0) {
                    o = null;
                }
                long h = refs.handOut(o);
                if (o == null) {
                    assertEquals(ExternRefs.NULL, h, where);
                    continue;
                }
                assertTrue(h >= 0 && h <= Integer.MAX_VALUE, where + ": a handle fits a table slot and is never null");
                Long before = model.handleOf.get(o);
                if (before != null) {
                    assertEquals(before, h, where + ": a held object keeps its handle");
                } else {
                    assertTrue(model.everIssued.add(h), where + ": handle " + h + " was handed out before");
                    model.handleOf.put(o, h);
                }
                model.holds.merge(o, 1, Integer::sum);
                model.held++;
            } else if (op < 7) {
                // release one reference: held, or retired, or forged
                Object o = anyHeld(model, random);
                if (o != null && random.nextInt(8) != 0) {
                    long h = model.handleOf.get(o);
                    refs.release(h);
                    model.held--;
                    if (model.holds.merge(o, -1, Integer::sum) == 0) {
                        model.holds.remove(o);
                        model.handleOf.remove(o);
                        model.retired.add(h);
                    }
                } else {
                    long bad = badHandle(model, random);
                    assertThrows(UnknownHandleException.class, () -> refs.release(bad), where + ": release " + bad);
                }
            } else {
                // look up a held, retired or forged handle
                Object o = anyHeld(model, random);
                if (o != null && random.nextBoolean()) {
                    assertSame(o, refs.object(model.handleOf.get(o)), where);
                } else {
                    long bad = badHandle(model, random);
                    UnknownHandleException e = assertThrows(UnknownHandleException.class, () -> refs.object(bad), where);
                    String expected = model.retired.contains(bad) ? "was released" : "was never handed out";
                    assertTrue(e.getMessage().contains(expected), where + ": " + e.getMessage());
                }
            }
            assertEquals(model.holds.size(), refs.liveCount(), where + ": live count");
            assertEquals(model.held, refs.heldReferences(), where + ": held references");
        }
    }

    private static Object newObject(Random random, List<Object> pool) {
        // equal objects on purpose: identity is what counts
        Object o = new String("o" + random.nextInt(4));
        pool.add(o);
        return o;
    }

    private static Object anyHeld(Model model, Random random) {
        if (model.holds.isEmpty()) {
            return null;
        }
        int k = random.nextInt(model.holds.size());
        for (Object o : model.holds.keySet()) {
            if (k-- == 0) {
                return o;
            }
        }
        throw new AssertionError();
    }

    private static long badHandle(Model model, Random random) {
        if (!model.retired.isEmpty() && random.nextBoolean()) {
            int k = random.nextInt(model.retired.size());
            for (long h : model.retired) {
                if (k-- == 0) {
                    return h;
                }
            }
        }
        while (true) {
            long h = random.nextBoolean() ? random.nextInt(1000) : ExternRefs.FIRST_HANDLE + random.nextInt(100_000);
            if (!model.everIssued.contains(h)) {
                return h;
            }
        }
    }

    @Test
    void concurrentUseKeepsEveryThreadsObjectsApartAndCountsExactly() throws Exception {
        ExternRefs refs = new ExternRefs();
        int threads = 4;
        int rounds = 20_000;
        inParallel(threads, seed -> {
            Random random = new Random(seed);
            List<Object> mine = new ArrayList<>();
            List<Long> handles = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                if (mine.isEmpty() || random.nextInt(3) != 0) {
                    Object o = new Object();
                    mine.add(o);
                    handles.add(refs.handOut(o));
                } else {
                    int k = random.nextInt(mine.size());
                    assertSame(mine.get(k), refs.object(handles.get(k)));
                    try (ExternRefs.CallScope call = refs.call()) {
                        refs.release(handles.get(k));
                        assertSame(mine.get(k), refs.object(handles.get(k)), "resolvable until the call ends");
                    }
                    mine.remove(k);
                    handles.remove(k);
                }
            }
            for (long h : handles) {
                refs.release(h);
            }
        });
        assertEquals(0, refs.liveCount());
        assertEquals(0, refs.heldReferences());
    }

    @Test
    void sharedObjectsAcrossThreadsAreCountedPerReference() throws Exception {
        ExternRefs refs = new ExternRefs();
        Object shared = new Object();
        int threads = 4;
        int rounds = 20_000;
        inParallel(threads, seed -> {
            for (int i = 0; i < rounds; i++) {
                long h = refs.handOut(shared);
                if (refs.object(h) != shared) {
                    fail("handle " + h + " does not stand for the shared object");
                }
                refs.release(h);
            }
        });
        assertEquals(0, refs.liveCount());
        assertEquals(0, refs.heldReferences());
    }

    /** Runs {@code task} on {@code threads} threads at once, each with its index; fails if any fails. */
    private static void inParallel(int threads, IntConsumer task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int index = t;
                done.add(pool.submit(() -> task.accept(index)));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
