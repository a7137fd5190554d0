package dev.externref.engine.guest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.externref.engine.ExternrefProcessor;
import dev.externref.engine.ProcessingReport;
import dev.externref.engine.ProcessingResult;
import dev.externref.engine.SlotAllocator;
import dev.externref.engine.guest.GuestModules.GuestModule;
import dev.externref.engine.testing.Checkout;
import dev.externref.engine.testing.HostRuntime;
import dev.externref.engine.testing.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real compiler output, end to end: every committed Rust guest module ({@code fixtures/modules/*.wasm},
 * discovered, and the hello-externref example) is processed with the drop hook
 * {@code host::dropped}, and the processed module must validate in V8 and run its whole
 * specified scenario ({@code fixtures/rust-guest/SCENARIO.md}, the hello README) correctly in
 * Node ({@code fixtures/rust-guest/host.mjs}) and on Chicory and Endive ({@link GuestHost}, through
 * the host library), the hosts agreeing event for event. The unprocessed modules must still pass the simulation, and the
 * committed bytes must match {@code SHA256SUMS}.
 *
 * <p>Each test has a time limit: a processed module that loops (a broken slot allocator can scan
 * forever) fails instead of hanging the build. Chicory stops at the interrupt.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class GuestEndToEndTest {
    @TempDir
    static Path dir;

    static List<GuestModule> modules() {
        return GuestModules.all();
    }

    /** Every module on each JVM runtime. */
    static List<Arguments> modulesOnRuntimes() {
        List<Arguments> all = new ArrayList<>();
        for (HostRuntime runtime : HostRuntime.values()) {
            GuestModules.all().forEach(m -> all.add(Arguments.of(runtime, m)));
        }
        return all;
    }

    static GuestInterface iface(GuestModule m) {
        return m.name().equals("hello") ? GuestInterface.HELLO : GuestInterface.MAIN;
    }

    @BeforeAll
    static void thereAreModules() {
        assertThat(GuestModules.profiles()).as("fixtures/modules/*.wasm").isNotEmpty();
    }

    // ----- the committed bytes --------------------------------------------------------------

    @Test
    void sha256sumsMatchesTheCommittedModules() throws Exception {
        Path sums = Checkout.resolve(GuestModules.MODULES_DIR + "/SHA256SUMS");
        Map<Path, String> listed = new HashMap<>();
        for (String line : Files.readAllLines(sums)) {
            if (line.isBlank()) {
                continue;
            }
            Matcher m = Pattern.compile("([0-9a-f]{64}) [ *](.+)").matcher(line);
            assertThat(m.matches()).as("SHA256SUMS line %s", line).isTrue();
            listed.put(sums.getParent().resolve(m.group(2)).normalize(), m.group(1));
        }
        for (GuestModule module : GuestModules.all()) {
            Path path = module.path().normalize();
            assertThat(listed).as("SHA256SUMS lists %s", module.relative()).containsKey(path);
            String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(path)));
            assertThat(actual).as("sha256 of %s", module.relative()).isEqualTo(listed.get(path));
        }
        assertThat(listed).as("SHA256SUMS lists exactly the committed modules").hasSize(GuestModules.all().size());
    }

    @Test
    void theUnprocessedModulesStillPassTheSimulation() {
        List<String> args = GuestModules.all().stream().map(m -> m.path().toString()).toList();
        Node.Result r = Node.run(GuestModules.script("simulate.mjs"), args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.describe()).isZero();
        for (GuestModule m : GuestModules.all()) {
            assertThat(r.stdout()).as(r.describe()).contains("PASS " + m.name() + ".wasm: ");
        }
    }

    // ----- processing -----------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("modules")
    void theReportNamesEveryPatchedImportAndExport(GuestModule m) throws Exception {
        ProcessingResult result = GuestModules.processed(m);
        ProcessingReport report = result.report();
        GuestInterface iface = iface(m);
        assertThat(result.changed()).isTrue();
        assertThat(report.imports()).as("imports with references (host.never_called is not imported)")
                .containsExactlyInAnyOrderElementsOf(GuestInterface.reportLines(iface.imports()));
        assertThat(report.exports()).containsExactlyInAnyOrderElementsOf(GuestInterface.reportLines(iface.exports()));
        assertThat(report.removedGuards()).as("guards removed = guard calls in MANIFEST.md")
                .isEqualTo(manifestGuardCalls(m));
        assertThat(report.redirectedCalls()).isPositive();
        assertThat(report.tableExport()).isEqualTo(ExternrefProcessor.DEFAULT_TABLE_NAME);
        assertThat(report.dropFunction()).isEqualTo(GuestModules.DROP_HOOK);
    }

    /** The {@code guard calls: N} line of the module's section in {@code fixtures/modules/MANIFEST.md}. */
    private static int manifestGuardCalls(GuestModule m) throws IOException {
        String manifest = Files.readString(Checkout.resolve(GuestModules.MODULES_DIR + "/MANIFEST.md"));
        int section = manifest.indexOf("### `" + m.name() + ".wasm`");
        assertThat(section).as("MANIFEST.md has a section for %s", m.name()).isNotNegative();
        Matcher g = Pattern.compile("- guard calls: (\\d+) ").matcher(manifest);
        assertThat(g.find(section)).as("guard calls of %s in MANIFEST.md", m.name()).isTrue();
        return Integer.parseInt(g.group(1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modules")
    void processingIsDeterministicAndIdempotent(GuestModule m) {
        byte[] once = GuestModules.processed(m).output();
        assertThat(GuestModules.PROCESSOR.process(m.bytes()).output()).as("processed twice").isEqualTo(once);
        ProcessingResult again = GuestModules.PROCESSOR.process(once);
        assertThat(again.changed()).as("processing the output again").isFalse();
        assertThat(again.output()).isEqualTo(once);
    }

    @Test
    void everyProcessedModuleValidatesInV8() {
        List<GuestModule> modules = GuestModules.all();
        List<Node.Validation> results = Node.validateBytes(
                modules.stream().map(m -> GuestModules.processed(m).output()).toList());
        for (int i = 0; i < modules.size(); i++) {
            assertThat(results.get(i).valid()).as("%s: %s", modules.get(i), results.get(i)).isTrue();
        }
    }

    // ----- behaviour ------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("modules")
    void theScenarioPassesInNode(GuestModule m) {
        Node.Result r = GuestModules.nodeScenario(m, dir);
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.stdout()).as(r.describe()).startsWith("{\"ok\":true");
        assertThat(r.stdout()).contains(m.name().equals("hello") ? "\"steps\":3,\"drops\":8," : "\"steps\":24,\"drops\":120,");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("modulesOnRuntimes")
    void theScenarioPassesOnTheJvmAndAgreesWithNode(HostRuntime runtime, GuestModule m) throws Exception {
        byte[] processed = GuestModules.processed(m).output();
        long start = System.nanoTime();
        List<GuestHost> hosts = new ArrayList<>();
        GuestScenario.Outcome outcome = GuestScenario.runAll(() -> {
            GuestHost host = GuestHost.start(runtime, processed, iface(m), GuestModules.DROP_HOOK,
                    ExternrefProcessor.DEFAULT_TABLE_NAME);
            hosts.add(host);
            return host;
        });
        System.out.printf("%s %s: %d ms for %d steps on %d instances: %s%n", runtime, m, (System.nanoTime() - start) / 1_000_000,
                outcome.steps(), outcome.runs().size(), outcome.runs());
        assertThat(outcome.main().drops()).isEqualTo(m.name().equals("hello") ? 8 : 120);
        assertThat(hosts.get(0).liveObjects()).as("objects the main run's guest keeps at the end (eleven, pinned)")
                .isEqualTo(m.name().equals("hello") ? 0 : 2);

        Node.Result node = GuestModules.nodeScenario(m, dir);
        assertThat(node.exitCode()).as("the Node run, to compare with\n" + node.describe()).isZero();
        assertThat(eventLog(outcome)).as(runtime + "'s events (left) against Node's")
                .isEqualTo(Files.readString(dir.resolve(m.name() + ".events")));
    }

    /** The format of host.mjs --events-out. */
    static String eventLog(GuestScenario.Outcome outcome) {
        StringBuilder out = new StringBuilder();
        for (GuestScenario.Step step : outcome.log()) {
            out.append("## ").append(step.title()).append('\n');
            step.events().forEach(e -> out.append(e).append('\n'));
        }
        return out.toString();
    }

    // ----- other configurations ----------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("modules")
    void theLinearScanAllocatorPassesInNode(GuestModule m) {
        byte[] out = ExternrefProcessor.builder().dropFunction(GuestModules.DROP_HOOK)
                .slotAllocator(SlotAllocator.LINEAR_SCAN).build().process(m.bytes()).output();
        Path file = GuestModules.write(dir, m.name() + "-linear", out);
        Node.Result r = Node.run(GuestModules.script("host.mjs"), file.toString(), "--drop-fn", "host::dropped");
        assertThat(r.exitCode()).as(r.describe()).isZero();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("modulesOnRuntimes")
    void theLinearScanAllocatorPassesOnTheJvm(HostRuntime runtime, GuestModule m) {
        byte[] out = ExternrefProcessor.builder().dropFunction(GuestModules.DROP_HOOK)
                .slotAllocator(SlotAllocator.LINEAR_SCAN).build().process(m.bytes()).output();
        List<GuestHost> hosts = new ArrayList<>();
        GuestScenario.Outcome outcome = GuestScenario.runAll(() -> {
            GuestHost host = GuestHost.start(runtime, out, iface(m), GuestModules.DROP_HOOK, ExternrefProcessor.DEFAULT_TABLE_NAME);
            hosts.add(host);
            return host;
        });
        assertThat(outcome.main().steps()).isEqualTo(m.name().equals("hello") ? 3 : 24);
        assertThat(outcome.main().drops()).isEqualTo(m.name().equals("hello") ? 8 : 120);
        assertThat(hosts.get(0).liveObjects()).isEqualTo(m.name().equals("hello") ? 0 : 2);
        // Where the slots are differs; what the guest does with the objects does not.
        GuestScenario.Outcome amortized = GuestScenario.runAll(() -> GuestHost.start(runtime, GuestModules.processed(m).output(),
                iface(m), GuestModules.DROP_HOOK, ExternrefProcessor.DEFAULT_TABLE_NAME));
        assertThat(eventLog(outcome)).isEqualTo(eventLog(amortized));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("modulesOnRuntimes")
    void withoutADropHookAndWithAnotherTableNameTheTableChecksPass(HostRuntime runtime, GuestModule m) {
        byte[] out = ExternrefProcessor.builder().tableName("refs").build().process(m.bytes()).output();
        Path file = GuestModules.write(dir, m.name() + "-nohook", out);
        Node.Result r = Node.run(GuestModules.script("host.mjs"), file.toString(), "--table", "refs");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.stderr()).contains("drops not observable");

        GuestScenario.Outcome outcome = GuestScenario.runAll(() -> GuestHost.start(runtime, out, iface(m), null, "refs"));
        assertThat(outcome.main().steps()).isEqualTo(m.name().equals("hello") ? 3 : 24);
        assertThat(outcome.main().drops()).as("not observable").isEqualTo(-1);
    }

    @Test
    void theHostsRejectAnUnprocessedModule() {
        GuestModule release = GuestModules.all().stream().filter(m -> m.name().equals("release")).findFirst().orElseThrow();
        Node.Result r = Node.run(GuestModules.script("host.mjs"), release.path().toString(), "--drop-fn", "host::dropped");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(2);
        assertThat(r.stderr()).contains("module still imports externref.");
        List<String> messages = new ArrayList<>();
        try {
            GuestHost.start(release.bytes(), GuestInterface.MAIN, GuestModules.DROP_HOOK, "externrefs");
        } catch (GuestMismatch e) {
            messages.add(e.getMessage());
        }
        assertThat(messages).singleElement().asString().contains("module still imports externref.");
    }
}
