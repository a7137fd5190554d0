package dev.externref.engine.cli;

import dev.externref.engine.format.Export;
import dev.externref.engine.format.ExternalKind;
import dev.externref.engine.format.Import;
import dev.externref.engine.format.WasmModule;
import dev.externref.engine.testing.Binaryen;
import dev.externref.engine.testing.Node;
import dev.externref.engine.testing.SharedFiles;
import dev.externref.engine.testing.UpstreamE2eHost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class MainTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

    private int run(byte[] stdin, String... args) {
        return Main.run(args, new ByteArrayInputStream(stdin), stdout, new PrintStream(stderr, true, StandardCharsets.UTF_8));
    }

    private int run(String... args) {
        return run(new byte[0], args);
    }

    private String err() {
        return stderr.toString(StandardCharsets.UTF_8);
    }

    private static byte[] fixture() throws Exception {
        return Files.readAllBytes(SharedFiles.fixture("upstream-e2e.wasm"));
    }

    @Test
    void helpAndVersionExitZero() {
        assertThat(run("--help")).isZero();
        assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("Usage: externref", "--drop-fn MODULE::NAME");
        stdout.reset();
        assertThat(run("--version")).isZero();
        assertThat(stdout.toString(StandardCharsets.UTF_8)).startsWith("externref ");
    }

    @Test
    void usageErrorsExitTwoWithOneClearLine() {
        assertThat(run()).isEqualTo(Main.USAGE_ERROR);
        assertThat(err()).contains("no input module");
        assertThat(run("--bogus", "x.wasm")).isEqualTo(Main.USAGE_ERROR);
        assertThat(run("--table", "t", "--no-table", "x.wasm")).isEqualTo(Main.USAGE_ERROR);
        assertThat(run("--drop-fn", "nomodule", "x.wasm")).isEqualTo(Main.USAGE_ERROR);
        assertThat(err()).contains("module::name");
        assertThat(run("a.wasm", "b.wasm")).isEqualTo(Main.USAGE_ERROR);
        assertThat(run("-o")).isEqualTo(Main.USAGE_ERROR);
        assertThat(err()).doesNotContain("Exception", "\tat ");
    }

    @Test
    void wasmOptRunsOnTheProcessedModuleAndTheResultStillRunsItsScenarios() throws Exception {
        Path in = dir.resolve("in.wasm");
        Files.write(in, fixture());
        Path processed = dir.resolve("processed.wasm");
        Path optimized = dir.resolve("optimized.wasm");
        assertThat(run("--drop-fn", "hooks::drop", "-o", processed.toString(), in.toString())).isZero();
        String wasmOpt = Binaryen.wasmOpt(Binaryen.GOOD).toString();
        assertThat(run("-v", "--drop-fn", "hooks::drop", "--wasm-opt", "-Os", "--wasm-opt-executable", wasmOpt,
                "-o", optimized.toString(), in.toString())).as(err()).isZero();
        assertThat(err()).contains("optimized by wasm-opt version 132");
        assertThat(Files.size(optimized)).isLessThan(Files.size(processed));
        Node.Result r = UpstreamE2eHost.run(optimized, "--drop-fn", "hooks::drop");
        assertThat(r.exitCode()).as(r.describe()).isZero();

        stdout.reset();
        assertThat(run("--drop-fn", "hooks::drop", "--wasm-opt=-Os", "--wasm-opt-executable=" + wasmOpt, in.toString())).isZero();
        assertThat(stdout.toByteArray()).as("to standard output").isEqualTo(Files.readAllBytes(optimized));
    }

    @Test
    void aKnownBadWasmOptIsRefusedAndNothingIsWritten() throws Exception {
        Path in = dir.resolve("in.wasm");
        Files.write(in, fixture());
        Path out = dir.resolve("out.wasm");
        assertThat(run("--wasm-opt", "-Os", "--wasm-opt-executable", Binaryen.wasmOpt(Binaryen.REFUSED).toString(),
                "-o", out.toString(), in.toString())).isEqualTo(Main.PROCESSING_ERROR);
        assertThat(err()).contains("wasm-opt version 108", "binaryen@132.0.0").doesNotContain("\tat ");
        assertThat(out).doesNotExist();
        assertThat(run("--wasm-opt-executable", "x", in.toString())).isEqualTo(Main.USAGE_ERROR);
    }

    @Test
    void processesFileToFileAndReports() throws Exception {
        Path in = dir.resolve("in.wasm");
        Files.write(in, fixture());
        Files.createDirectory(dir.resolve("out"));
        Path out = dir.resolve("out/processed.wasm");
        assertThat(run("-v", "--drop-fn", "test::drop_ref", "-o", out.toString(), in.toString())).isZero();
        WasmModule m = WasmModule.parse(Files.readAllBytes(out));
        assertThat(m.imports()).extracting(Import::module).doesNotContain("externref");
        assertThat(m.imports()).anyMatch(i -> i.module().equals("test") && i.name().equals("drop_ref"));
        assertThat(m.exports()).anyMatch(e -> e.name().equals("externrefs") && e.kind() == ExternalKind.TABLE);
        assertThat(err()).contains("import test.send_message (externref, i32, i32) -> externref", "guards removed: 2");
        assertThat(Files.readAllBytes(in)).isEqualTo(fixture()); // input untouched
        assertThat(Node.validate(Files.readAllBytes(out)).valid()).isTrue();
    }

    @Test
    void stdinToStdoutAndNoTable() throws Exception {
        assertThat(run(fixture(), "--no-table", "-")).isZero();
        WasmModule m = WasmModule.parse(stdout.toByteArray());
        assertThat(m.exports()).noneMatch(e -> e.kind() == ExternalKind.TABLE);
        assertThat(m.tables()).hasSize(2);
    }

    @Test
    void customTableName() throws Exception {
        assertThat(run(fixture(), "--table", "refs", "-")).isZero();
        assertThat(WasmModule.parse(stdout.toByteArray()).exports()).anyMatch(e -> e.name().equals("refs"));
    }

    @Test
    void processedOutputIsNothingToDoTheSecondTime() throws Exception {
        assertThat(run(fixture(), "-")).isZero();
        byte[] once = stdout.toByteArray();
        stdout.reset();
        assertThat(run(once, "-v", "-")).isZero();
        assertThat(stdout.toByteArray()).isEqualTo(once);
        assertThat(err()).contains("nothing to do");
    }

    @Test
    void malformedInputFailsWithOneLineAndLeavesOutputAlone() throws Exception {
        Path in = dir.resolve("broken.wasm");
        Files.write(in, Arrays.copyOf(fixture(), 100));
        Path out = dir.resolve("out.wasm");
        Files.writeString(out, "previous content");
        assertThat(run("-o", out.toString(), in.toString())).isEqualTo(Main.PROCESSING_ERROR);
        assertThat(err()).startsWith("externref: error: " + in + ": ").contains("import section", "byte offset 89");
        assertThat(err().lines()).hasSize(1);
        assertThat(Files.readString(out)).isEqualTo("previous content");
        assertThat(Files.list(dir)).hasSize(2); // no temporary file left behind
    }

    @Test
    void invalidInputFailsWithOneLineNamingWhatIsInvalid() throws Exception {
        byte[] module = fixture();
        Export export = WasmModule.parse(module).exports().stream()
                .filter(x -> x.kind() == ExternalKind.FUNCTION).findFirst().orElseThrow();
        int at = export.offset() + 1 + export.nameLength() + 1; // a name shorter than 128 bytes, its kind, then the index
        while (module[at] < 0) {
            module[at++] = (byte) 0xFF;
        }
        module[at] = 0x7F; // the largest index of the same width: no such function
        Path in = dir.resolve("invalid.wasm");
        Files.write(in, module);
        Path out = dir.resolve("out.wasm");
        assertThat(run("-o", out.toString(), in.toString())).isEqualTo(Main.PROCESSING_ERROR);
        assertThat(err()).startsWith("externref: error: " + in + ": export '" + export.name() + "' names function ")
                .contains("(at byte offset " + export.offset() + ")");
        assertThat(err().lines()).hasSize(1);
        assertThat(Files.exists(out)).isFalse();
    }

    @Test
    void missingInputIsAProcessingError() {
        assertThat(run(dir.resolve("absent.wasm").toString())).isEqualTo(Main.PROCESSING_ERROR);
        assertThat(err()).isEqualTo("externref: error: " + dir.resolve("absent.wasm") + ": No such file or directory\n");
    }

    @Test
    void aDirectoryAsInputNamesItWithTheSystemsReason() {
        assertThat(run(dir.toString())).isEqualTo(Main.PROCESSING_ERROR);
        assertThat(err()).isEqualTo("externref: error: " + dir + ": Is a directory\n");
    }

    @Test
    void outputIntoAMissingDirectoryFailsAndCreatesNothing() throws Exception {
        Path in = dir.resolve("in.wasm");
        Files.write(in, fixture());
        Path out = dir.resolve("missing/out.wasm");
        assertThat(run("-o", out.toString(), in.toString())).isEqualTo(Main.PROCESSING_ERROR);
        assertThat(err()).isEqualTo("externref: error: " + out + ": No such file or directory\n");
        assertThat(dir.resolve("missing")).doesNotExist();
    }

    @Test
    void aDirectoryAsOutputIsNamedAndLeftAlone() throws Exception {
        Path in = dir.resolve("in.wasm");
        Files.write(in, fixture());
        Path out = Files.createDirectory(dir.resolve("out.wasm"));
        assertThat(run("-o", out.toString(), in.toString())).isEqualTo(Main.PROCESSING_ERROR);
        assertThat(err()).isEqualTo("externref: error: " + out + ": Is a directory\n");
        assertThat(out).isEmptyDirectory();
    }

    @Test
    void dashAsOutputIsStandardOutput() throws Exception {
        assertThat(run(fixture(), "-o", "-", "-")).isZero();
        assertThat(WasmModule.parse(stdout.toByteArray()).exports()).anyMatch(e -> e.name().equals("externrefs"));
        assertThat(dir.resolve("-")).doesNotExist();
        assertThat(Path.of("-")).doesNotExist();
    }

    @Test
    void aSymlinkStaysALinkAndItsTargetGetsTheModule() throws Exception {
        Path in = dir.resolve("in.wasm");
        Files.write(in, fixture());
        Path target = dir.resolve("real.wasm");
        Files.writeString(target, "old");
        Path link = Files.createSymbolicLink(dir.resolve("link.wasm"), target.getFileName());
        assertThat(run("-o", link.toString(), in.toString())).isZero();
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readSymbolicLink(link)).isEqualTo(target.getFileName());
        assertThat(WasmModule.parse(Files.readAllBytes(target)).exports()).anyMatch(e -> e.name().equals("externrefs"));
        assertThat(Files.list(dir)).hasSize(3); // no temporary file left behind
    }

    /** Imports externref.insert (so functions are renumbered) and has a name section with a count of 2^32 - 1. */
    private static final byte[] MALFORMED_NAMES = {
            0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00,
            0x01, 0x09, 0x02, 0x60, 0x00, 0x00, 0x60, 0x01, 0x7F, 0x01, 0x7F,
            0x02, 0x14, 0x01, 0x09, 'e', 'x', 't', 'e', 'r', 'n', 'r', 'e', 'f', 0x06, 'i', 'n', 's', 'e', 'r', 't', 0x00, 0x01,
            0x03, 0x02, 0x01, 0x00,
            0x0A, 0x04, 0x01, 0x02, 0x00, 0x0B,
            0x00, 0x0D, 0x0C, '_', '_', 'e', 'x', 't', 'e', 'r', 'n', 'r', 'e', 'f', 's',
            0x00, 0x0C, 0x04, 'n', 'a', 'm', 'e', 0x01, 0x05, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F};

    @Test
    void warningsGoToStandardErrorAndIntoTheVerboseReport() {
        assertThat(run(MALFORMED_NAMES, "-")).isZero();
        assertThat(err()).startsWith("externref: warning: <stdin>: dropped the malformed 'name' section: ");
        assertThat(err().lines()).hasSize(1);
        stderr.reset();
        assertThat(run(MALFORMED_NAMES, "-v", "-")).isZero();
        assertThat(err()).contains("\n  warning: dropped the malformed 'name' section: ");
        assertThat(err()).doesNotContain("externref: warning:"); // once, in the report
    }

    @Test
    void tableNoneMeansNoTableAsInThePlugin() throws Exception {
        assertThat(run(fixture(), "--table", "none", "-")).isZero();
        byte[] none = stdout.toByteArray();
        assertThat(WasmModule.parse(none).exports()).noneMatch(e -> e.kind() == ExternalKind.TABLE);
        stdout.reset();
        assertThat(run(fixture(), "--no-table", "-")).isZero();
        assertThat(stdout.toByteArray()).isEqualTo(none);
        stdout.reset();
        assertThat(run(fixture(), "--table=NONE", "-")).isZero();
        assertThat(stdout.toByteArray()).isEqualTo(none);
    }

    @Test
    void tableNameCollisionIsAProcessingError() throws Exception {
        assertThat(run(fixture(), "--table", "memory", "-")).isEqualTo(Main.PROCESSING_ERROR);
        assertThat(err()).contains("already exports 'memory'");
        assertThat(stdout.size()).isZero();
    }
}
