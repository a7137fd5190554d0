package dev.externref.benchmarks;

import dev.externref.engine.ExternrefProcessor;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Processing time of each given processor input, warm, in the format of
 * {@code scripts/validate-time.mjs} so that {@code scripts/bench-validate.sh} can set the two
 * side by side: name, MB, the best of N runs (after warming up on the module) in CPU
 * milliseconds and in wall milliseconds, and MB/s of the best CPU time. Single-threaded by
 * default, CPU time of the processing thread; with {@code --threads 0} (automatic) or more,
 * CPU time of the whole process, as Node's for V8.
 *
 * <pre>java -cp externref-benchmarks/target/benchmarks.jar dev.externref.benchmarks.ProcessTimes [--runs N] [--threads N] FILE...</pre>
 */
public final class ProcessTimes {
    private static final ThreadMXBean THREAD = ManagementFactory.getThreadMXBean();
    /** CPU time spent on a module before it is measured: the JIT compiles the decoder meanwhile. */
    private static final long WARM_UP_NANOS = 2_000_000_000L;

    private ProcessTimes() {
    }

    public static void main(String[] args) throws Exception {
        int runs = 10;
        int threads = 1;
        int first = 0;
        while (args.length > first + 1 && args[first].startsWith("--")) {
            switch (args[first]) {
                case "--runs" -> runs = Integer.parseInt(args[first + 1]);
                case "--threads" -> threads = Integer.parseInt(args[first + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[first]);
            }
            first += 2;
        }
        ExternrefProcessor processor = ExternrefProcessor.builder().parallelism(threads).build();
        java.util.function.LongSupplier cpuNanos = threads == 1 ? THREAD::getCurrentThreadCpuTime : ProcessTimes::processCpuNanos;
        for (int i = first; i < args.length; i++) {
            Path file = Path.of(args[i]);
            byte[] input = Files.readAllBytes(file);
            long until = cpuNanos.getAsLong() + WARM_UP_NANOS;
            int warm = 0;
            while (warm++ < 2 || cpuNanos.getAsLong() < until && warm < 50) {
                processor.process(input);
            }
            long cpu = Long.MAX_VALUE;
            long wall = Long.MAX_VALUE;
            for (int r = 0; r < runs; r++) {
                long c0 = cpuNanos.getAsLong();
                long t0 = System.nanoTime();
                if (!processor.process(input).changed()) {
                    throw new IllegalArgumentException(file + " is not processor input (no __externrefs section)");
                }
                wall = Math.min(wall, System.nanoTime() - t0);
                cpu = Math.min(cpu, cpuNanos.getAsLong() - c0);
            }
            double mb = input.length / 1e6;
            System.out.printf(Locale.ROOT, "%-40s %7.2f MB %9.1f cpu-ms %9.1f ms %6.0f MB/s%n", file.getFileName(), mb,
                    cpu / 1e6, wall / 1e6, mb / (cpu / 1e9));
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
