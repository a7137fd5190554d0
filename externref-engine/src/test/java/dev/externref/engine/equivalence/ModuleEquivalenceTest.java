package dev.externref.engine.equivalence;

import dev.externref.engine.ExternrefProcessor;
import dev.externref.engine.testing.Checkout;
import dev.externref.engine.testing.SharedFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The oracle on real modules: every committed Rust fixture ({@code fixtures/modules}), the
 * upstream end-to-end fixture and the example's module, each with the scenario of its interface,
 * behave the same unprocessed (emulating host) and processed, on Chicory and in V8.
 */
class ModuleEquivalenceTest {
    static final Scenario MAIN = mainScenario();
    static final Scenario HELLO = Scenario.builder()
            .call("welcome", new Scenario.Given("Ann", "Ann"))
            .call("welcome_all", new Scenario.Given("Ann", "Ann"), new Scenario.Given("Bob", "Bob"))
            .call("welcome", new Scenario.Given("Bob", "Bob"))
            .call("welcome_all", new Scenario.Given("Ann", "Ann"), null)
            .call("welcome", (Object) null)
            .build();
    static final Scenario UPSTREAM = Scenario.builder()
            .call("test_export", new Scenario.Given("sender", "sender"))
            .call("test_export_with_casts", new Scenario.Given("sender", "sender"))
            .call("test_nulls", new Scenario.Given("sender", "sender"))
            .call("test_nulls", (Object) null)
            .call("test_export", (Object) null)
            .build();

    /** SCENARIO.md's steps, then stash keys probed (they are slot indices), then the panicking calls. */
    private static Scenario mainScenario() {
        Scenario.Given a = new Scenario.Given("alpha", "alpha");
        Scenario.Builder b = Scenario.builder()
                .call("roundtrip", a)
                .call("build_list", 5).call("build_list", 1).call("build_list", 0)
                .call("combine_all", a, new Scenario.Given("beta", "beta"), new Scenario.Given("gamma", "gamma"))
                .call("nullable", a, 1).call("nullable", a, 0).call("nullable", null, 1);
        for (String tag : List.of("even", "odd", "eleven", "three")) {
            b.call("stash", new Scenario.Given(tag, tag));
        }
        for (int key = -1; key < 24; key++) {
            b.call("stash_observe", key);
        }
        b.call("pin_copy", new Scenario.Given("pinned", "pinned")).call("observe_pinned")
                .call("stash_sweep").call("unstash", 1).call("unstash", 0).call("unstash", 1000)
                .call("churn", 20).call("build_list", 20)
                .call("stash", (Object) null).call("pin_copy", (Object) null)
                .call("combine_all", a, null, new Scenario.Given("gamma", "gamma"))
                .call("roundtrip", a);
        return b.build();
    }

    record Fixture(String name, byte[] bytes, Scenario scenario) {
    }

    static List<Fixture> fixtures() {
        List<Fixture> all = new ArrayList<>();
        try {
            for (Path p : Checkout.rustFixtures()) {
                all.add(new Fixture(p.getFileName().toString(), Files.readAllBytes(p), MAIN));
            }
            all.add(new Fixture("hello.wasm", Files.readAllBytes(
                    Checkout.resolve("examples/hello-externref/src/main/wasm/hello.wasm")), HELLO));
            all.add(new Fixture("upstream-e2e.wasm", Files.readAllBytes(SharedFiles.fixture("upstream-e2e.wasm")), UPSTREAM));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all;
    }

    @Test
    void everyRealModuleBehavesTheSameProcessedOnChicoryAndInV8() {
        List<Fixture> fixtures = fixtures();
        assertTrue(fixtures.size() >= 9, "the fixtures, hello and upstream: " + fixtures.size());
        List<String> problems = new ArrayList<>();
        List<V8Traces.Case> cases = new ArrayList<>();
        Map<String, List<String>> chicory = new java.util.HashMap<>();
        for (Fixture f : fixtures) {
            Oracle.Outcome o = Oracle.check(f.bytes(), f.scenario());
            if (o.verdict() != Oracle.Verdict.SAME) {
                problems.add(f.name() + ": " + o.verdict() + " " + o.detail());
                continue;
            }
            long imports = o.trace().stream().filter(l -> l.startsWith("host.") || l.startsWith("test.")).count();
            long drops = o.trace().stream().filter(l -> l.startsWith("drop(")).count();
            if (imports < 5 || drops < 3) {
                problems.add(f.name() + ": the scenario hardly reaches the module: " + o.trace());
            }
            cases.add(new V8Traces.Case(f.name(), f.bytes(), o.processed(), f.scenario()));
            chicory.put(f.name(), o.trace());
        }
        Map<String, V8Traces.Traces> v8 = V8Traces.run(cases);
        for (V8Traces.Case c : cases) {
            String p = V8Traces.check(c, v8.get(c.name()), chicory.get(c.name()));
            if (p != null) {
                problems.add(c.name() + ": " + p);
            }
        }
        if (!problems.isEmpty()) {
            fail(String.join("\n", problems));
        }
    }

    /** The oracle can fail: a module processed without the drop hook loses the drops from its trace. */
    @Test
    void theOracleSeesAModuleProcessedDifferently() {
        Fixture release = fixtures().stream().filter(f -> f.name().equals("release.wasm")).findFirst().orElseThrow();
        List<String> emulated = ChicoryTrace.run(ChicoryTrace.Mode.EMULATED, release.bytes(), MAIN);
        byte[] withoutHook = ExternrefProcessor.builder().build().process(release.bytes()).output();
        String d = Oracle.difference(emulated, ChicoryTrace.run(ChicoryTrace.Mode.PROCESSED, withoutHook, MAIN));
        assertTrue(d != null && d.contains("drop(alpha)"), "the missing drops show: " + d);
    }

    @Test
    void theTraceShowsTheMainScenarioAsSpecified() {
        Fixture release = fixtures().stream().filter(f -> f.name().equals("release.wasm")).findFirst().orElseThrow();
        List<String> trace = Oracle.check(release.bytes(), MAIN).trace();
        assertEquals(List.of("call roundtrip(alpha)", "host.observe(alpha) -> 6", "host.check_live(1) live [alpha]",
                "drop(alpha)", "return alpha", "live []"), trace.subList(0, 6));
    }
}
