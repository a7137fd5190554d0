package dev.externref.engine.format;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes the bodies of a code section as its {@link CodeWritePolicy} says: the first ones on
 * the calling thread (all of them with one thread; those within the warm-up budget in
 * automatic mode), the rest in runs on several threads, copied to the output in order.
 */
final class ParallelCodeWriter {
    private final ModuleWriter job;
    private final CodeWritePolicy policy;

    ParallelCodeWriter(ModuleWriter job) {
        this.job = job;
        this.policy = job.policy;
    }

    /** Writes every body of {@code code} (less the dropped, with the replaced ones) through {@code main}. */
    void write(Section code, EntryEncoder main, Set<Integer> drop, Map<Integer, byte[]> replaced) {
        int n = code.entryCount();
        int threads = policy.threadsFor(code.end - code.start);
        int first = threads == 1 ? n : policy.warmUp() != null ? warmUpBodies(code) : 0; // bodies written on this thread
        for (int i = 0; i < first; i++) {
            main.writeEntryAt(code, i, drop, replaced);
        }
        if (first < n) {
            writeInParallel(code, first, main.out, drop, replaced, threads);
        }
        if (policy.warmUp() != null) {
            policy.warmUp().add(code.end - code.contentStart);
        }
    }

    /** How many of the section's first bodies take the warm-up budget that is left. */
    private int warmUpBodies(Section s) {
        long budget = policy.warmUp().remaining();
        int n = s.entryCount();
        int i = 0;
        while (i < n && s.entryStart(i) - s.entriesStart < budget) {
            i++;
        }
        return i;
    }

    /**
     * Bodies are independent and each one's encoding does not depend on where it lands, so
     * runs of bodies (from body {@code from} on, the earlier ones already written) are encoded
     * on several threads and copied in order: the same bytes as one thread. A failure is the
     * one the first failing body in order would have raised. Each thread keeps one encoder,
     * and run outputs go to a few recycled buffers, so the extra memory is a few runs, not a
     * second copy of the code.
     */
    private void writeInParallel(Section s, int from, ByteWriter out, Set<Integer> drop, Map<Integer, byte[]> replaced,
                                 int threads) {
        int n = s.entryCount();
        int runBytes = policy.runBytes();
        List<int[]> runs = new ArrayList<>();
        int runStart = from;
        for (int i = from; i < n; i++) {
            if (s.entryEnd(i) - s.entryStart(runStart) >= runBytes || i == n - 1) {
                runs.add(new int[] {runStart, i + 1});
                runStart = i + 1;
            }
        }
        // Buffers are handed out here, in run order: when none is free, the oldest run in flight
        // is copied first, which frees its buffer. (A task that took its buffer itself could be
        // overtaken by later runs that took them all, and the oldest run would wait forever.)
        Deque<ByteWriter> free = new ArrayDeque<>(2 * threads);
        for (int i = 0; i < 2 * threads; i++) {
            free.push(new ByteWriter(runBytes + (runBytes >> 2)));
        }
        ThreadLocal<EntryEncoder> encoders = ThreadLocal.withInitial(() -> new EntryEncoder(job, null));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "externref-writer");
            t.setDaemon(true);
            return t;
        });
        try {
            Deque<Future<ByteWriter>> inFlight = new ArrayDeque<>(2 * threads);
            for (int[] run : runs) {
                if (free.isEmpty()) {
                    copyOldest(inFlight, out, free);
                }
                ByteWriter buffer = free.pop();
                inFlight.add(pool.submit(() -> {
                    EntryEncoder e = encoders.get();
                    e.out = buffer;
                    buffer.clear();
                    for (int i = run[0]; i < run[1]; i++) {
                        e.writeEntryAt(s, i, drop, replaced);
                    }
                    return buffer;
                }));
            }
            while (!inFlight.isEmpty()) {
                copyOldest(inFlight, out, free);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing the code section", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Waits for the oldest run in flight, copies its bytes to {@code out}, and frees its buffer. */
    private static void copyOldest(Deque<Future<ByteWriter>> inFlight, ByteWriter out, Deque<ByteWriter> free)
            throws InterruptedException, ExecutionException {
        ByteWriter w = inFlight.poll().get();
        out.bytes(w.buffer(), 0, w.size());
        free.push(w);
    }
}
