package dev.externref.benchmarks;

import dev.externref.engine.ExternrefProcessor;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Single-threaded processing time of each given processor input, warm, in the format of
 * {@code scripts/validate-time.mjs} so that {@code scripts/bench-validate.sh} can set the two
 * side by side: name, MB, the best of N runs (after warming up on the module) in CPU
 * milliseconds of the processing thread and in wall milliseconds, and MB/s of the best CPU time.
 *
 * <pre>java -cp externref-benchmarks/target/benchmarks.jar dev.externref.benchmarks.ProcessTimes [--runs N] FILE...</pre>
 */
public final class ProcessTimes {
    private static final ThreadMXBean THREAD = ManagementFactory.getThreadMXBean();
    /** CPU time spent on a module before it is measured: the JIT compiles the decoder meanwhile. */
    private static final long WARM_UP_NANOS = 2_000_000_000L;

    private ProcessTimes() {
    }

    public static void main(String[] args) throws Exception {
        int runs = 10;
        int first = 0;
        if (args.length > 1 && args[0].equals("--runs")) {
            runs = Integer.parseInt(args[1]);
            first = 2;
        }
        ExternrefProcessor processor = ExternrefProcessor.builder().parallelism(1).build();
        for (int i = first; i < args.length; i++) {
            Path file = Path.of(args[i]);
            byte[] input = Files.readAllBytes(file);
            long until = THREAD.getCurrentThreadCpuTime() + WARM_UP_NANOS;
            int warm = 0;
            while (warm++ < 2 || THREAD.getCurrentThreadCpuTime() < until && warm < 50) {
                processor.process(input);
            }
            long cpu = Long.MAX_VALUE;
            long wall = Long.MAX_VALUE;
            for (int r = 0; r < runs; r++) {
                long c0 = THREAD.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                if (!processor.process(input).changed()) {
                    throw new IllegalArgumentException(file + " is not processor input (no __externrefs section)");
                }
                wall = Math.min(wall, System.nanoTime() - t0);
                cpu = Math.min(cpu, THREAD.getCurrentThreadCpuTime() - c0);
            }
            double mb = input.length / 1e6;
            System.out.printf(Locale.ROOT, "%-40s %7.2f MB %9.1f cpu-ms %9.1f ms %6.0f MB/s%n", file.getFileName(), mb,
                    cpu / 1e6, wall / 1e6, mb / (cpu / 1e9));
        }
    }
}
