package dev.externref.benchmarks;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Two builds of the engine side by side in one JVM, warm: each jar in a class loader of its
 * own (so the JIT compiles each build's code for itself), the two called in turn on the same
 * input, round after round. On a machine whose speed drifts by tens of percent within
 * minutes, runs of separate JVMs one after the other compare the drift as much as the
 * builds; calls in turn share it. Prints, per module, the best and median wall time of each
 * build and NEW's time over OLD's, and fails when the two builds' outputs differ.
 *
 * <pre>java -cp externref-benchmarks/target/benchmarks.jar dev.externref.benchmarks.CompareJars [--rounds N] [--threads N] OLD.jar NEW.jar FILE...</pre>
 *
 * FILE is processor input ({@link PrepareInputs}). Threads: the engine's parallelism (default
 * 1). Each build first runs the module 15 times, then both run {@code rounds} times (default 20).
 */
public final class CompareJars {
    private static final int WARM_UP_CALLS = 15;

    private CompareJars() {
    }

    /** One build of the engine: a processor made through its public API, by reflection. */
    private record Build(Object processor, Method process, Method outputBuffer) {
        static Build load(Path jar, int threads) throws ReflectiveOperationException, java.io.IOException {
            URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            Class<?> processorClass = loader.loadClass("dev.externref.engine.ExternrefProcessor");
            Object builder = processorClass.getMethod("builder").invoke(null);
            builder = builder.getClass().getMethod("parallelism", int.class).invoke(builder, threads);
            Object processor = builder.getClass().getMethod("build").invoke(builder);
            Method process = processorClass.getMethod("process", byte[].class);
            Method outputBuffer = loader.loadClass("dev.externref.engine.ProcessingResult").getMethod("outputBuffer");
            return new Build(processor, process, outputBuffer);
        }

        ByteBuffer run(byte[] input) throws ReflectiveOperationException {
            try {
                return (ByteBuffer) outputBuffer.invoke(process.invoke(processor, input));
            } catch (InvocationTargetException e) {
                throw new IllegalStateException("processing failed: " + e.getCause(), e.getCause());
            }
        }
    }

    public static void main(String[] args) throws Exception {
        int rounds = 20;
        int threads = 1;
        int first = 0;
        while (args.length > first + 1 && args[first].startsWith("--")) {
            switch (args[first]) {
                case "--rounds" -> rounds = Integer.parseInt(args[first + 1]);
                case "--threads" -> threads = Integer.parseInt(args[first + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[first]);
            }
            first += 2;
        }
        if (args.length < first + 3 || rounds < 1) {
            System.err.println("usage: CompareJars [--rounds N] [--threads N] OLD.jar NEW.jar FILE...");
            System.exit(2);
        }
        Build[] builds = {Build.load(Path.of(args[first]), threads), Build.load(Path.of(args[first + 1]), threads)};
        System.out.printf(Locale.ROOT, "%-40s %8s %19s %19s %13s%n", "module", "MB", "OLD best / median", "NEW best / median",
                "NEW/OLD best");
        for (int i = first + 2; i < args.length; i++) {
            Path file = Path.of(args[i]);
            byte[] input = Files.readAllBytes(file);
            if (!builds[0].run(input).equals(builds[1].run(input))) {
                throw new IllegalStateException(file + ": the two builds give different output");
            }
            for (int w = 0; w < WARM_UP_CALLS; w++) {
                for (Build build : builds) {
                    build.run(input);
                }
            }
            long[][] nanos = new long[2][rounds];
            for (int r = 0; r < rounds; r++) {
                for (int b = 0; b < 2; b++) {
                    long t0 = System.nanoTime();
                    builds[b].run(input);
                    nanos[b][r] = System.nanoTime() - t0;
                }
            }
            for (long[] n : nanos) {
                Arrays.sort(n);
            }
            System.out.printf(Locale.ROOT, "%-40s %8.2f %8.1f / %6.1f ms %8.1f / %6.1f ms %12.2fx%n", file.getFileName(),
                    input.length / 1e6, nanos[0][0] / 1e6, nanos[0][rounds / 2] / 1e6, nanos[1][0] / 1e6,
                    nanos[1][rounds / 2] / 1e6, (double) nanos[1][0] / nanos[0][0]);
        }
    }
}
