package dev.externref.benchmarks;

import dev.externref.engine.ExternrefProcessor;
import dev.externref.engine.ProcessingResult;
import dev.externref.engine.transform.testkit.ProcessorInputs;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

/**
 * The whole transform, warm, in process: full decode, renumbering, rewriting, encoding. Each
 * module is made into processor input as the performance issue describes (one imported
 * {@code (i32) -> ()} function renamed to {@code externref.drop}, an empty {@code __externrefs}
 * section appended), so every function index moves. {@code threads} 1 is the single-threaded
 * path; 0 is the default, which uses the available processors for modules with more than 4 MB
 * of code. MB/s = module size / average time. The result is the module in its presized buffer,
 * as the CLI and the plugin write it; {@code ProcessingResult.output()} would add a copy.
 *
 * <pre>
 * java -jar externref-benchmarks/target/benchmarks.jar Process \
 *     -p module=sql-wasm.wasm,esbuild.wasm,duckdb-mvp.wasm -p npmModules=target/npm-modules -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class ProcessBenchmark {
    @Param({"sql-wasm.wasm", "resvg.wasm", "upstream-e2e.wasm"})
    public String module;

    @Param({"1", "0"})
    public int threads;

    @Param("")
    public String npmModules;

    @Param("")
    public String shared;

    private byte[] input;
    private ExternrefProcessor processor;

    @Setup(Level.Trial)
    public void load() throws IOException {
        byte[] bytes = Files.readAllBytes(ReadWriteBenchmark.resolve(module, npmModules, shared));
        input = module.equals("upstream-e2e.wasm") ? bytes : ProcessorInputs.withSurrogateDrop(bytes);
        processor = ExternrefProcessor.builder().parallelism(threads).build();
        System.out.printf("%n%s: %d bytes of processor input (%.2f MB)%n", module, input.length, input.length / 1e6);
    }

    /** The processed module in its buffer, as the CLI and the plugin write it (no trimming copy). */
    @Benchmark
    public ProcessingResult process() {
        return processor.process(input);
    }
}
