package dev.externref.engine.slots;

import dev.externref.engine.SlotAllocator;
import dev.externref.engine.slots.SlotGuest.Config;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Benchmark of the slot glue on Chicory (not a test): AMORTIZED against LINEAR_SCAN, with the
 * processed {@link SlotGuest} (no drop hook), driven by host calls. See
 * {@code benchmarks/slots/README.md} for the commands and the V8 counterpart.
 *
 * <pre>
 *   SlotBenchmark [--sizes 1000,10000,100000] [--ops 200000] [--budget-seconds 10] [--reps 5]
 *   SlotBenchmark --write-modules DIR     (amortized.wasm, linear-scan.wasm for slots-bench.mjs)
 * </pre>
 *
 * Scenarios, for each N: (1) {@code insert}: N inserts into a fresh instance, kept; ns per
 * insert. (2) {@code churn}: with N live, drop a random live slot and insert a new reference; ns
 * per drop+insert pair. (3) {@code fifo}: with N live, drop the oldest and insert; ns per pair.
 * Each cell is repeated (fresh instance, setup untimed) {@code --reps} times, or more until
 * {@code --ops} ops were measured (small insert cells), within the budget; the median is reported. A cell stops early when its budget is spent (ops measured are
 * reported). LINEAR_SCAN's {@code insert} cell, when N inserts would exceed the budget, is
 * estimated from a window of inserts around N/2 (its cost is linear in the live count, so that
 * is the mean), after the first N/2 are written by the host; LINEAR_SCAN setups (N live) are
 * always written by the host ({@link ChicorySlots#hostFill}), which is the state N inserts leave.
 * LINEAR_SCAN's fifo samples the phases of its N-op cycle (see {@link #churn}). Times are by the
 * wall clock and by the thread's CPU time (the machine may be shared).
 */
public final class SlotBenchmark {
    enum Scenario { INSERT, CHURN, FIFO }

    /** One measured cell: wall-clock ns per op, and the share of that time the thread was on a CPU. */
    record Cell(double nsPerOp, double cpuShare, long ops, int reps, String note) {
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Wall-clock and thread CPU time, started together. */
    private static final class Clock {
        final long wall = System.nanoTime();
        final long cpu = THREADS.getCurrentThreadCpuTime();

        long wallElapsed() {
            return System.nanoTime() - wall;
        }

        Cell cell(long ops, String note) {
            long w = System.nanoTime() - wall;
            long c = THREADS.getCurrentThreadCpuTime() - cpu;
            return new Cell(w / (double) ops, w == 0 ? 1 : Math.min(1, c / (double) w), ops, 1, note);
        }
    }

    private static final int CHUNK = 64;
    private static final int WINDOW = 200;
    private static final int MAX_REPS = 200;

    private final Map<SlotAllocator, byte[]> modules = new EnumMap<>(SlotAllocator.class);
    private final long opsPerCell;
    private final long budgetNanos;
    private final int reps;
    private long sink;

    private SlotBenchmark(long opsPerCell, double budgetSeconds, int reps) {
        for (SlotAllocator a : SlotAllocator.values()) {
            modules.put(a, SlotGuest.processed(new Config(a, false)));
        }
        this.opsPerCell = opsPerCell;
        this.budgetNanos = (long) (budgetSeconds * 1e9);
        this.reps = reps;
    }

    public static void main(String[] args) throws IOException {
        int[] sizes = {1_000, 10_000, 100_000};
        long ops = 200_000;
        double budget = 10;
        int reps = 5;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--write-modules" -> {
                    Path dir = Files.createDirectories(Path.of(args[++i]));
                    Files.write(dir.resolve("amortized.wasm"), SlotGuest.processed(new Config(SlotAllocator.AMORTIZED, false)));
                    Files.write(dir.resolve("linear-scan.wasm"), SlotGuest.processed(new Config(SlotAllocator.LINEAR_SCAN, false)));
                    System.out.println("wrote " + dir.resolve("amortized.wasm") + " and " + dir.resolve("linear-scan.wasm"));
                    return;
                }
                case "--sizes" -> sizes = Arrays.stream(args[++i].split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
                case "--ops" -> ops = Long.parseLong(args[++i]);
                case "--budget-seconds" -> budget = Double.parseDouble(args[++i]);
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: SlotBenchmark [--sizes 1000,10000,100000] [--ops N] [--budget-seconds S] "
                            + "[--reps R] | --write-modules DIR");
                    System.exit(2);
                }
            }
        }
        new SlotBenchmark(ops, budget, reps).run(sizes);
    }

    private void run(int[] sizes) {
        System.out.printf(Locale.ROOT, "Chicory %s interpreter, Java %s (%s), %d CPUs; ops/cell <= %d, budget %.0f s/cell, reps <= %d%n",
                chicoryVersion(), System.getProperty("java.version"), System.getProperty("java.vm.name"),
                Runtime.getRuntime().availableProcessors(), opsPerCell, budgetNanos / 1e9, reps);
        long warm = System.nanoTime();
        for (int round = 0; round < 3; round++) {
            for (SlotAllocator a : SlotAllocator.values()) {
                for (Scenario s : Scenario.values()) {
                    once(a, s, 1_000, a == SlotAllocator.AMORTIZED ? 50_000 : 1_000);
                }
            }
        }
        baseline(); // warms the call path too
        System.out.printf(Locale.ROOT, "warm-up %.1f s%n", (System.nanoTime() - warm) / 1e9);
        Cell[] base = baseline();
        System.out.printf(Locale.ROOT, "baseline (empty exports): nop() %s ns/call, nop_ref(ref) -> i32 %s ns/call%n%n",
                format(base[0]), format(base[1]));
        System.out.println("ns/op by the wall clock, (by the thread's CPU time); ratio LINEAR_SCAN / AMORTIZED");
        System.out.println("| scenario | N | AMORTIZED ns/op | LINEAR_SCAN ns/op | ratio | notes |");
        System.out.println("|---|---:|---:|---:|---:|---|");
        for (Scenario s : Scenario.values()) {
            for (int n : sizes) {
                Cell am = cell(SlotAllocator.AMORTIZED, s, n);
                Cell ls = cell(SlotAllocator.LINEAR_SCAN, s, n);
                System.out.printf(Locale.ROOT, "| %s | %d | %s | %s | %.0fx (%.0fx) | %s |%n", s.name().toLowerCase(Locale.ROOT),
                        n, format(am), format(ls), ls.nsPerOp() / am.nsPerOp(),
                        ls.nsPerOp() * ls.cpuShare() / (am.nsPerOp() * am.cpuShare()), notes(am, ls));
            }
        }
        if (sink == 42) {
            System.out.println();
        }
    }

    private static String notes(Cell am, Cell ls) {
        List<String> notes = new ArrayList<>();
        notes.add("AMORTIZED " + am.ops() + " ops x" + am.reps());
        notes.add("LINEAR_SCAN " + ls.ops() + " ops x" + ls.reps() + (ls.note().isEmpty() ? "" : " (" + ls.note() + ")"));
        return String.join("; ", notes);
    }

    /** ns/op by the wall clock and, in parentheses, by CPU time (lower when other processes had the CPU). */
    private static String format(Cell c) {
        return ns(c.nsPerOp()) + " (" + ns(c.nsPerOp() * c.cpuShare()) + ")";
    }

    private static String ns(double ns) {
        return ns >= 100 ? String.format(Locale.ROOT, "%,.0f", ns) : String.format(Locale.ROOT, "%.1f", ns);
    }

    /** ns per call of the empty exports nop() and nop_ref(ref) -> i32: the host-call overhead. */
    private Cell[] baseline() {
        ChicorySlots g = new ChicorySlots(modules.get(SlotAllocator.AMORTIZED), false);
        int calls = 500_000;
        Clock clock = new Clock();
        for (int i = 0; i < calls; i++) {
            g.nop();
        }
        Cell nop = clock.cell(calls, "");
        clock = new Clock();
        for (int i = 0; i < calls; i++) {
            sink += g.nopRef(i);
        }
        return new Cell[] {nop, clock.cell(calls, "")};
    }

    /**
     * The median over at least {@link #reps} repetitions (more, up to {@link #MAX_REPS}, until
     * {@link #opsPerCell} ops were measured: small insert cells) within the budget.
     */
    private Cell cell(SlotAllocator a, Scenario s, int n) {
        List<Cell> runs = new ArrayList<>();
        long start = System.nanoTime();
        long ops = 0;
        do {
            Cell run = once(a, s, n, opsPerCell);
            runs.add(run);
            ops += run.ops();
        } while ((runs.size() < reps || ops < opsPerCell && runs.size() < MAX_REPS)
                && System.nanoTime() - start < budgetNanos);
        runs.sort((x, y) -> Double.compare(x.nsPerOp(), y.nsPerOp()));
        Cell median = runs.get(runs.size() / 2);
        return new Cell(median.nsPerOp(), median.cpuShare(), median.ops(), runs.size(), median.note());
    }

    private Cell once(SlotAllocator a, Scenario s, int n, long maxOps) {
        return s == Scenario.INSERT ? insert(a, n) : churn(a, s, n, maxOps);
    }

    private Cell insert(SlotAllocator a, int n) {
        if (a == SlotAllocator.LINEAR_SCAN && n > WINDOW) {
            int k = WINDOW;
            int from = n / 2 - k / 2;
            ChicorySlots g = new ChicorySlots(modules.get(a), false);
            g.hostFill(from);
            Clock clock = new Clock();
            for (int i = from; i < from + k; i++) {
                sink += g.ins(i);
            }
            Cell window = clock.cell(k, "estimated: " + k + " inserts at N/2 of " + n);
            if (window.nsPerOp() * n > budgetNanos) {
                return window;
            }
        }
        ChicorySlots g = new ChicorySlots(modules.get(a), false);
        Clock clock = new Clock();
        for (int i = 0; i < n; i++) {
            sink += g.ins(i);
        }
        return clock.cell(n, "");
    }

    /** With n live: drop a random live slot (CHURN) or the oldest (FIFO), insert a new one. */
    private Cell churn(SlotAllocator a, Scenario s, int n, long maxOps) {
        ChicorySlots g = new ChicorySlots(modules.get(a), false);
        int[] slots = new int[n];
        if (a == SlotAllocator.LINEAR_SCAN) {
            g.hostFill(n);
            for (int i = 0; i < n; i++) {
                slots[i] = i;
            }
        } else {
            for (int i = 0; i < n; i++) {
                slots[i] = g.ins(i);
            }
        }
        int next = n;
        int head = 0;
        int x = 0x9E3779B9;
        long done = 0;
        // LINEAR_SCAN fifo is periodic: op k of each N-op cycle drops slot k and scans k+1 slots, and
        // the table is full at every phase. Each chunk starts at the next phase of a golden-ratio
        // sequence, so that a run cut short by the budget still samples the whole cycle.
        boolean samplePhases = s == Scenario.FIFO && a == SlotAllocator.LINEAR_SCAN;
        double phase = 0;
        Clock clock = new Clock();
        while (done < maxOps && clock.wallElapsed() < budgetNanos) {
            if (samplePhases) {
                phase = (phase + 0.6180339887498949) % 1.0;
                head = (int) (phase * n);
            }
            for (int c = 0; c < CHUNK; c++) {
                int j;
                if (s == Scenario.FIFO) {
                    j = head;
                    head = head + 1 == n ? 0 : head + 1;
                } else {
                    x ^= x << 13;
                    x ^= x >>> 17;
                    x ^= x << 5;
                    j = Integer.remainderUnsigned(x, n);
                }
                g.drop(slots[j]);
                slots[j] = g.ins(next++);
            }
            done += CHUNK;
        }
        return clock.cell(done, done < maxOps ? "capped by the budget" : "");
    }

    private static String chicoryVersion() {
        Package p = com.dylibso.chicory.runtime.Instance.class.getPackage();
        return p.getImplementationVersion() != null ? p.getImplementationVersion() : "1.7.5";
    }
}
