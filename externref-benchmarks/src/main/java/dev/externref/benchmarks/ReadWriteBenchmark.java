package dev.externref.benchmarks;

import dev.externref.engine.format.ByteWriter;
import dev.externref.engine.format.CodeWritePolicy;
import dev.externref.engine.format.IndexRemap;
import dev.externref.engine.format.IndexSpace;
import dev.externref.engine.format.ModuleEdits;
import dev.externref.engine.format.ModuleWriter;
import dev.externref.engine.format.Section;
import dev.externref.engine.format.WasmModule;
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
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Read + shifting remap + write of real modules, single-threaded: what processing a module
 * costs when every defined function is renumbered (the case where nothing can be copied
 * wholesale except data and custom sections). MB/s = module size / average time; the module
 * sizes are printed at setup, and {@code -prof gc} gives the allocation per operation.
 *
 * <pre>
 * java -jar externref-benchmarks/target/benchmarks.jar ReadWrite \
 *     -p module=sql-wasm.wasm,resvg.wasm,upstream-e2e.wasm -p npmModules=target/npm-modules -prof gc
 * </pre>
 *
 * {@code module} is a file name in {@code npmModules} (default: the system property
 * {@code externref.npmModules}, else {@code target/npm-modules}); {@code upstream-e2e.wasm} is
 * read from {@code shared} (default {@code ../shared}, or {@code externref.shared}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class ReadWriteBenchmark {
    @Param({"sql-wasm.wasm", "resvg.wasm", "upstream-e2e.wasm"})
    public String module;

    @Param("")
    public String npmModules;

    @Param("")
    public String shared;

    private byte[] bytes;

    @Setup(Level.Trial)
    public void load() throws IOException {
        Path file = resolve(module, npmModules, shared);
        bytes = Files.readAllBytes(file);
        WasmModule m = WasmModule.parse(bytes);
        m.decodeAllBodies();
        System.out.printf("%n%s: %d bytes (%.2f MB), %d functions%n", file, bytes.length, bytes.length / 1e6, m.functionCount());
    }

    static Path resolve(String module, String npmModules, String shared) {
        if (module.equals("upstream-e2e.wasm")) {
            String dir = !shared.isEmpty() ? shared : System.getProperty("externref.shared", "../shared");
            return Path.of(dir, "fixtures", module);
        }
        String dir = !npmModules.isEmpty() ? npmModules : System.getProperty("externref.npmModules", "target/npm-modules");
        Path p = Path.of(dir, module);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(p + " not found: run scripts/fetch-npm-modules.sh (--all) or pass -p npmModules=DIR");
        }
        return p;
    }

    /** Parse, then write with an import inserted: every defined function moves up by one. */
    @Benchmark
    public byte[] readShiftWrite() {
        return insertImport(WasmModule.parse(bytes));
    }

    /** Parse, decode every body (validation of the code's encoding), identity write (a copy). */
    @Benchmark
    public byte[] readDecodeIdentityWrite() {
        WasmModule m = WasmModule.parse(bytes);
        m.decodeAllBodies();
        return ModuleWriter.write(m, IndexRemap.IDENTITY);
    }

    static byte[] insertImport(WasmModule m) {
        byte[] type = {0x60, 0x00, 0x00};
        byte[] entry = new ByteWriter(16).name("added").name("f").u8(0).u32(m.typeCount()).toByteArray();
        ModuleEdits edits = new ModuleEdits().appendEntry(Section.TYPE, type).appendEntry(Section.IMPORT, entry);
        return new ModuleWriter(m, IndexRemap.shift(IndexSpace.FUNCTION, m.importedFunctionCount(), 1), edits)
                .policy(CodeWritePolicy.SINGLE_THREADED)
                .toBytes();
    }
}
