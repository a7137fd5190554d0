package dev.externref.engine.wasmopt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.externref.engine.ExternrefProcessor;
import dev.externref.engine.ProcessingResult;
import dev.externref.engine.testing.Binaryen;
import dev.externref.engine.testing.Checkout;
import dev.externref.engine.testing.Node;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** Finding wasm-opt, checking its version, and running it, on real binaryen releases from npm. */
class WasmOptTest {
    private static ProcessingResult hello() throws Exception {
        byte[] module = Files.readAllBytes(Checkout.resolve("examples/hello-externref/src/main/wasm/hello.wasm"));
        return ExternrefProcessor.builder().build().process(module);
    }

    @Test
    void aGoodReleaseIsFoundAndOptimizesAProcessedModule() throws Exception {
        WasmOpt wasmOpt = WasmOpt.locate(Binaryen.wasmOpt(Binaryen.GOOD).toString(), " -Os  --strip-debug ");
        assertThat(wasmOpt.version()).isEqualTo(132);
        assertThat(wasmOpt.describe()).startsWith("wasm-opt version 132").endsWith(" -Os --strip-debug");

        ProcessingResult processed = hello();
        ByteBuffer input = processed.outputBuffer();
        byte[] optimized = wasmOpt.optimize(input);
        assertThat(input.remaining()).as("the input buffer is left as it is").isEqualTo(processed.size());
        assertThat(optimized.length).isLessThan(processed.size());
        assertThat(Node.validate(optimized).valid()).isTrue();
        assertThat(wasmOpt.optimize(processed.outputBuffer())).as("deterministic").isEqualTo(optimized);
    }

    @Test
    void binaryen108IsRefusedNamingTheVersionAndWhatToInstall() {
        String exe = Binaryen.wasmOpt(Binaryen.REFUSED).toString();
        assertThatThrownBy(() -> WasmOpt.locate(exe, "-Os"))
                .isInstanceOf(WasmOptException.class)
                .hasMessageContaining("is wasm-opt version 108")
                .hasMessageContaining("binaryen@132.0.0")
                .hasMessageContaining("binaryen 110 or later");
    }

    @Test
    void theThresholdIsTheFirstReleaseWithTheTableExportFix() {
        assertThat(BinaryenVersions.refusal(109)).contains("before 110");
        assertThat(BinaryenVersions.refusal(110)).isNull();
        assertThat(BinaryenVersions.refusal(132)).isNull();
    }

    @Test
    void aMissingExecutableIsOneClearMessage() {
        assertThatThrownBy(() -> WasmOpt.locate("/nonexistent/wasm-opt", "-Os"))
                .isInstanceOf(WasmOptException.class)
                .hasMessageStartingWith("cannot run wasm-opt '/nonexistent/wasm-opt'")
                .hasMessageContaining("wasmOptExecutable");
    }

    @Test
    void aFailingRunNamesTheExitCodeAndWasmOptsMessage() throws Exception {
        WasmOpt wasmOpt = WasmOpt.locate(Binaryen.wasmOpt(Binaryen.GOOD).toString(), "--no-such-pass-or-flag");
        ProcessingResult processed = hello();
        assertThatThrownBy(() -> wasmOpt.optimize(processed.outputBuffer()))
                .isInstanceOf(WasmOptException.class)
                .hasMessageContaining("wasm-opt --no-such-pass-or-flag failed (exit code")
                .hasMessageContaining("no-such-pass-or-flag");
    }

    @Test
    void argumentsAreSplitOnSpaces() {
        assertThat(WasmOpt.splitArguments(null)).isEmpty();
        assertThat(WasmOpt.splitArguments("  ")).isEmpty();
        assertThat(WasmOpt.splitArguments("-Os  --converge\t-g")).containsExactly("-Os", "--converge", "-g");
    }
}
