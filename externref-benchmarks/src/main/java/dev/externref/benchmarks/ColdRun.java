package dev.externref.benchmarks;

import dev.externref.engine.ExternrefProcessor;
import dev.externref.engine.ProcessingResult;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The first module a fresh JVM processes: what a build or a one-off CLI run pays, JIT warm-up
 * included. Reads processor input made beforehand by {@link PrepareInputs} (in another JVM, so
 * that nothing is warmed up), times the first {@code process} call and prints MB/s. One JVM per
 * module:
 *
 * <pre>
 * java -cp externref-benchmarks/target/benchmarks.jar dev.externref.benchmarks.PrepareInputs target/bench-in target/npm-modules/*.wasm
 * for f in target/bench-in/*.wasm; do
 *   java -cp externref-benchmarks/target/benchmarks.jar dev.externref.benchmarks.ColdRun "$f"
 * done
 * </pre>
 */
public final class ColdRun {
    private ColdRun() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: ColdRun MODULE.wasm");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        byte[] input = Files.readAllBytes(file);
        long start = System.nanoTime();
        ProcessingResult out = ExternrefProcessor.builder().build().process(input);
        long nanos = System.nanoTime() - start;
        System.out.printf("%-40s %6.1f MB  first process %6.0f ms  %6.0f MB/s  (%d bytes out)%n",
                file.getFileName(), input.length / 1e6, nanos / 1e6, input.length / 1e6 / (nanos / 1e9), out.size());
    }
}
