package dev.externref.benchmarks;

import dev.externref.engine.ExternrefProcessor;
import dev.externref.engine.transform.testkit.ScalingModules;
import dev.externref.engine.transform.testkit.ScalingModules.Dimension;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How processing time grows along each dimension of a module: for every dimension, generated
 * modules ({@link ScalingModules}) at a size N, doubled until processing takes at least
 * {@code --min-ms} (default 30 ms, so that 4N takes 100 ms or more when the cost is linear),
 * and at 4N; prints both times and their ratio. A linear cost gives a ratio near 4, a
 * quadratic one near 16. It reports; it does not assert. Times are the processing thread's CPU
 * time (on a machine busy with other work, wall time says more about the others). One thread,
 * in process, after a warm-up on small modules of every dimension; each module runs once more
 * to warm up, then the best of three or more runs counts (see {@link #time}).
 *
 * <pre>
 * java -Xms3g -Xmx3g -XX:+AlwaysPreTouch -cp externref-benchmarks/target/benchmarks.jar \
 *     dev.externref.benchmarks.ScalingBenchmark [--min-ms 30] [--max-n 8000000] [--n N] [--write DIR] \
 *     [DIMENSION...]
 * </pre>
 *
 * A fixed, pre-touched heap keeps the first touch of new heap pages (system time of this
 * thread) out of the figures. DIMENSION is one of the labels printed (e.g.
 * {@code described-exports}); none: all of them. {@code --n N} takes that N instead of searching for one. {@code --write DIR} also writes the
 * N and 4N modules there ({@code DIMENSION-SIZE.wasm}), to time the command line on them.
 */
public final class ScalingBenchmark {
    private static final ExternrefProcessor PROCESSOR = ExternrefProcessor.builder().parallelism(1).build();
    /** A run longer than this is not repeated: a single run of a quadratic case says enough. */
    private static final long REPEAT_BELOW_NANOS = 5_000_000_000L;
    /** Runs of one module are repeated until they add up to this (see {@link #time}). */
    private static final long REPEAT_FOR_NANOS = 1_000_000_000L;

    private static final ThreadMXBean THREAD = ManagementFactory.getThreadMXBean();
    private static final long WARM_UP_NANOS = 1_000_000_000L;

    private ScalingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        double minMs = 30;
        int maxN = 8_000_000;
        int fixedN = 0;
        Path write = null;
        List<Dimension> dimensions = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--min-ms" -> minMs = Double.parseDouble(args[++i]);
                case "--max-n" -> maxN = Integer.parseInt(args[++i]);
                case "--n" -> fixedN = Integer.parseInt(args[++i]);
                case "--write" -> write = Files.createDirectories(Path.of(args[++i]));
                default -> dimensions.add(Dimension.ofLabel(args[i]));
            }
        }
        if (dimensions.isEmpty()) {
            dimensions.addAll(List.of(Dimension.values()));
        }
        warmUp(dimensions);
        System.out.printf(Locale.ROOT, "%-20s %9s %8s %10s %9s %8s %10s %7s%n",
                "dimension", "N", "MB", "ms", "4N", "MB", "ms", "ratio");
        for (Dimension d : dimensions) {
            int n = fixedN > 0 ? fixedN : 256;
            byte[] small = ScalingModules.module(d, n);
            double smallMs = time(small);
            int largest = Math.min(maxN, d.maxSize()) / 4;
            while (fixedN == 0 && smallMs < minMs && n * 2 <= largest) {
                n *= 2;
                small = ScalingModules.module(d, n);
                smallMs = time(small);
            }
            byte[] large = ScalingModules.module(d, 4 * n);
            double largeMs = time(large);
            if (write != null) {
                Files.write(write.resolve(d.label() + "-" + n + ".wasm"), small);
                Files.write(write.resolve(d.label() + "-" + 4 * n + ".wasm"), large);
            }
            System.out.printf(Locale.ROOT, "%-20s %9d %8.2f %10.1f %9d %8.2f %10.1f %7.2f%n", d.label(), n,
                    small.length / 1e6, smallMs, 4 * n, large.length / 1e6, largeMs, largeMs / smallMs);
        }
    }

    /** Compiles the processing paths of every dimension before anything is timed: small modules, about a second each. */
    private static void warmUp(List<Dimension> dimensions) {
        for (Dimension d : dimensions) {
            byte[] module = ScalingModules.module(d, 512);
            long until = THREAD.getCurrentThreadCpuTime() + WARM_UP_NANOS;
            while (THREAD.getCurrentThreadCpuTime() < until) {
                run(module);
            }
        }
    }

    /**
     * Best of the runs after one to warm up, in milliseconds: at least three, and more while they
     * add up to less than a second (at most 20), so that the short run at N, whose best of three
     * still moved by half between JVMs on a shared machine, is as steady as the long one at 4N.
     * A single run when the first is long.
     */
    private static double time(byte[] module) {
        long first = run(module);
        if (first > REPEAT_BELOW_NANOS) {
            return first / 1e6;
        }
        long best = Long.MAX_VALUE;
        long spent = 0;
        for (int i = 0; i < 3 || spent < REPEAT_FOR_NANOS && i < 20; i++) {
            long t = run(module);
            best = Math.min(best, t);
            spent += t;
        }
        return best / 1e6;
    }

    /** The processing thread's CPU time: other processes on a busy machine do not count (the collector's threads neither). */
    private static long run(byte[] module) {
        long t0 = THREAD.getCurrentThreadCpuTime();
        if (!PROCESSOR.process(module).changed()) {
            throw new IllegalStateException("the generated module was not processed");
        }
        return THREAD.getCurrentThreadCpuTime() - t0;
    }
}
