package dev.externref.engine.guest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.externref.engine.ExternrefProcessor;
import dev.externref.engine.format.ExternalKind;
import dev.externref.engine.format.ValType;
import dev.externref.engine.format.WasmModule;
import dev.externref.engine.guest.GuestModules.GuestModule;
import dev.externref.engine.testing.Binaryen;
import dev.externref.engine.testing.Node;
import dev.externref.engine.wasmopt.WasmOpt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Process, then {@code wasm-opt -Os} (npm binaryen {@value Binaryen#GOOD}, through
 * {@link WasmOpt} as the plugin and the CLI run it): every committed Rust guest module must still
 * run its whole scenario in V8 and on Chicory, the two agreeing event for event. And the reason
 * binaryen releases before 110 are refused: their wasm-opt exports the funcref table under the
 * externref table's name.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class OptimizedGuestEndToEndTest {
    @TempDir
    static Path dir;

    private static byte[] optimized(GuestModule m, String binaryen) throws Exception {
        WasmOpt wasmOpt = WasmOpt.locate(Binaryen.wasmOpt(binaryen).toString(), "-Os");
        return wasmOpt.optimize(GuestModules.processed(m).outputBuffer());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.externref.engine.guest.GuestModules#all")
    void theOptimizedModulePassesItsScenarioInV8AndOnChicory(GuestModule m) throws Exception {
        byte[] optimized = optimized(m, Binaryen.GOOD);
        assertThat(optimized).as("wasm-opt changed the module").isNotEqualTo(GuestModules.processed(m).output());

        Path file = GuestModules.write(dir, m.name() + "-opt", optimized);
        Path events = dir.resolve(m.name() + "-opt.events");
        Node.Result node = Node.run(GuestModules.script("host.mjs"), file.toString(), "--drop-fn",
                GuestModules.DROP_HOOK.toString(), "--events-out", events.toString());
        assertThat(node.exitCode()).as(node.describe()).isZero();
        assertThat(node.stdout()).contains(m.name().equals("hello") ? "\"steps\":3,\"drops\":8," : "\"steps\":24,\"drops\":120,");

        GuestScenario.Outcome outcome = GuestScenario.runAll(() -> GuestHost.start(optimized, GuestEndToEndTest.iface(m),
                GuestModules.DROP_HOOK, ExternrefProcessor.DEFAULT_TABLE_NAME));
        assertThat(outcome.main().drops()).isEqualTo(m.name().equals("hello") ? 8 : 120);
        assertThat(GuestEndToEndTest.eventLog(outcome)).as("Chicory's events (left) against V8's").isEqualTo(Files.readString(events));
    }

    @Test
    void binaryen108ExportsTheFuncrefTableUnderTheExternrefTablesName() throws Exception {
        GuestModule release = GuestModules.all().stream().filter(m -> m.name().equals("release")).findFirst().orElseThrow();
        Path exe = Binaryen.wasmOpt(Binaryen.REFUSED);
        // Run it as a user would, around the version check that refuses it (what is refused must really break).
        Path in = GuestModules.write(dir, "release-for-108", GuestModules.processed(release).output());
        Path out = dir.resolve("release-108.wasm");
        Process p = new ProcessBuilder(exe.toString(), "--enable-reference-types", "-Os", in.toString(), "-o", out.toString())
                .redirectErrorStream(true).start();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertThat(p.waitFor()).isZero();

        assertThat(exportedTableType(GuestModules.processed(release).output())).as("processed").isEqualTo(ValType.EXTERNREF);
        assertThat(exportedTableType(optimized(release, Binaryen.GOOD))).as("after binaryen " + Binaryen.GOOD)
                .isEqualTo(ValType.EXTERNREF);
        byte[] broken = Files.readAllBytes(out);
        assertThat(WasmModule.parse(broken).tables()).as("after binaryen 108: both tables are still there").hasSize(2);
        assertThat(exportedTableType(broken)).as("after binaryen 108: the export names the funcref table")
                .isEqualTo(ValType.FUNCREF);

        Node.Result node = Node.run(GuestModules.script("host.mjs"), out.toString(), "--drop-fn", GuestModules.DROP_HOOK.toString());
        assertThat(node.exitCode()).as(node.describe()).isNotZero();
        assertThat(node.stderr()).contains("table export 'externrefs' is a table of funcref");
    }

    private static ValType exportedTableType(byte[] bytes) {
        WasmModule module = WasmModule.parse(bytes);
        int index = module.exports().stream()
                .filter(e -> e.kind() == ExternalKind.TABLE && e.name().equals(ExternrefProcessor.DEFAULT_TABLE_NAME))
                .findFirst().orElseThrow().index();
        return module.tables().get(index).elementType();
    }
}
