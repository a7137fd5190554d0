package dev.externref.engine;

import dev.externref.engine.testing.Binaryen;
import dev.externref.engine.testing.HostRuntime;
import dev.externref.engine.testing.Node;
import dev.externref.engine.testing.SharedFiles;
import dev.externref.engine.testing.UpstreamE2eHost;
import dev.externref.engine.transform.testkit.ValidatedOutputs;
import dev.externref.engine.wasmopt.WasmOpt;
import dev.externref.host.ExternRefs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static com.dylibso.chicory.wasm.types.ValType.ExternRef;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real fixture {@code upstream-e2e.wasm} (ABI.md, last section), processed and run: on
 * Chicory and on Endive through the host library, with a Java host that checks every
 * {@code inspect_refs}, every drop and the table after each call, and in Node through
 * {@code upstream-e2e-host.mjs}.
 */
class UpstreamE2eTest {
    private static final DropFunction HOOK = new DropFunction("hooks", "drop");
    private static final List<String> TEST_EXPORT_MESSAGES = List.of("test", "42", "some other string");
    private static final List<Set<String>> TEST_EXPORT_INSPECTIONS = List.of(
            Set.of("s"), Set.of("s", "m1"), Set.of("s", "m1", "m2"), Set.of("s", "m1", "m2", "m3"),
            Set.of("s", "m2", "m3"), Set.of("s"));

    @RegisterExtension
    static final ValidatedOutputs outputs = new ValidatedOutputs();

    private static byte[] fixture;

    @BeforeAll
    static void readFixture() throws Exception {
        fixture = Files.readAllBytes(SharedFiles.fixture("upstream-e2e.wasm"));
    }

    /** A host reference: the sender or a message; identity is what counts. */
    private static final class HostRef {
        final String label;
        final String text;

        HostRef(String label, String text) {
            this.label = label;
            this.text = text;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** The Java host of the fixture, on either runtime through the host library: the three test imports, the drop hook, the checks. */
    private static final class FixtureHost {
        final ExternRefs refs = new ExternRefs();
        final String tableName;
        final HostRuntime.Guest guest;
        // per call
        HostRef sender;
        final List<HostRef> messages = new ArrayList<>();
        final List<Set<String>> inspections = new ArrayList<>();
        final List<String> drops = new ArrayList<>();
        final List<String> lengths = new ArrayList<>();
        final List<String> failures = new ArrayList<>();

        FixtureHost(HostRuntime runtime, byte[] processed, String tableName, boolean hook) {
            this.tableName = tableName;
            guest = runtime.start(processed, refs, List.of(
                    new HostRuntime.Import("test", "inspect_refs", (memory, args) -> {
                        inspect();
                        return null;
                    }),
                    new HostRuntime.Import("test", "send_message",
                            (memory, args) -> sendMessage(args.ref(0, HostRef.class), memory.read(args.i32(1), args.i32(2)))),
                    new HostRuntime.Import("test", "message_len", (memory, args) -> messageLen(args.ref(0, HostRef.class)))),
                    hook ? HOOK : null, this::dropped);
        }

        Set<String> live() {
            List<Object> live = guest.live(tableName);
            Set<String> labels = live.stream().map(Object::toString).collect(Collectors.toSet());
            if (labels.size() != live.size()) {
                failures.add("a reference sits in two slots: " + guest.tableSlots(tableName));
            }
            return labels;
        }

        void inspect() {
            inspections.add(live());
        }

        HostRef sendMessage(HostRef from, byte[] bytes) {
            if (from != sender || sender == null) {
                failures.add("send_message got " + from + " as sender, expected s");
            }
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                failures.add("send_message: no UTF-8 in " + bytes.length + " bytes");
                text = "";
            }
            HostRef m = new HostRef("m" + (messages.size() + 1), text);
            messages.add(m);
            return m;
        }

        int messageLen(HostRef o) {
            if (o != null && !messages.contains(o)) {
                failures.add("message_len got " + o + ", not a message");
            }
            int n = o == null ? 0 : o.text.getBytes(StandardCharsets.UTF_8).length;
            lengths.add(o + " -> " + n);
            return n;
        }

        void dropped(Object o) {
            drops.add(String.valueOf(o));
            if (o == null || !guest.live(tableName).contains(o)) {
                failures.add("drop hook called with " + o + ", which is not in the table (the hook must run before the slot is cleared)");
            }
        }

        /** Runs one export with the sender (or null) and returns the failures seen, after the table check. */
        void call(String export, boolean withSender) {
            sender = withSender ? new HostRef("s", null) : null;
            messages.clear();
            inspections.clear();
            drops.clear();
            lengths.clear();
            failures.clear();
            assertNull(guest.call(export, sender), export + " returns nothing");
            assertEquals(List.of(), failures, export);
            assertEquals(List.of(), guest.live(tableName), export + ": no slot holds a reference after the call");
        }
    }

    private static byte[] process(ExternrefProcessor processor, String label) {
        ProcessingResult r = outputs.process(processor, fixture, label);
        assertTrue(r.changed());
        return r.output();
    }

    private static void assertSameMultiset(List<String> expected, List<String> actual, String what) {
        assertEquals(expected.stream().sorted().toList(), actual.stream().sorted().toList(), what);
    }

    @ParameterizedTest
    @EnumSource(HostRuntime.class)
    void allScenariosPassWithADropHook(HostRuntime runtime) {
        passesAllScenarios(new FixtureHost(runtime, process(ExternrefProcessor.builder().dropFunction(HOOK).build(), "hook"),
                "externrefs", true));
    }

    /** Process, then wasm-opt -Os with a good binaryen (as the plugin's wasmOpt runs it): the same runs pass on both JVM runtimes and in Node. */
    @Test
    void allScenariosPassAfterWasmOptOnTheJvmAndInNode(@TempDir Path dir) throws Exception {
        byte[] processed = process(ExternrefProcessor.builder().dropFunction(HOOK).build(), "hook, for wasm-opt");
        byte[] optimized = WasmOpt.locate(Binaryen.wasmOpt(Binaryen.GOOD).toString(), "-Os")
                .optimize(ByteBuffer.wrap(processed));
        assertFalse(java.util.Arrays.equals(processed, optimized), "wasm-opt changed the module");
        for (HostRuntime runtime : HostRuntime.values()) {
            passesAllScenarios(new FixtureHost(runtime, optimized, "externrefs", true));
        }

        Node.Result r = UpstreamE2eHost.run(Files.write(dir.resolve("optimized.wasm"), optimized), "--drop-fn", HOOK.toString());
        assertEquals(0, r.exitCode(), r::describe);
        assertTrue(r.stderr().contains("OK, 4 scenarios passed"), r::describe);
    }

    private static void passesAllScenarios(FixtureHost host) {
        for (String export : List.of("test_export", "test_export_with_casts")) {
            host.call(export, true);
            assertEquals(TEST_EXPORT_MESSAGES, host.messages.stream().map(m -> m.text).toList(), export);
            assertEquals(TEST_EXPORT_INSPECTIONS, host.inspections, export + ": live references at each inspect_refs");
            assertSameMultiset(List.of("m1", "m2", "m3", "s"), host.drops, export + ": each reference dropped once");
            assertEquals(List.of(), host.lengths, export);
        }

        host.call("test_nulls", true);
        assertEquals(List.of("test"), host.messages.stream().map(m -> m.text).toList());
        assertEquals(List.of(), host.inspections);
        assertEquals(List.of("m1 -> 4", "null -> 0"), host.lengths, "message_len with a message, then with null");
        assertSameMultiset(List.of("m1", "s"), host.drops, "test_nulls(s) drops its message and s");

        host.call("test_nulls", false);
        assertEquals(List.of(), host.messages);
        assertEquals(List.of("null -> 0"), host.lengths);
        assertEquals(List.of(), host.drops, "test_nulls(null) drops nothing: null never had a slot");
        assertEquals(0, host.refs.liveCount(), "the registry is empty again: the guest dropped everything");
    }

    @ParameterizedTest
    @EnumSource(HostRuntime.class)
    void withoutADropHookTheTableIsStillEmptiedAndACustomTableNameIsUsed(HostRuntime runtime) {
        byte[] processed = process(ExternrefProcessor.builder().tableName("refs").build(), "no hook, table refs");
        FixtureHost host = new FixtureHost(runtime, processed, "refs", false);
        host.call("test_export", true);
        assertEquals(TEST_EXPORT_INSPECTIONS, host.inspections);
        assertEquals(List.of(), host.drops);
        host.call("test_nulls", false);
        host.call("test_nulls", true);
        assertEquals(4 + 2, host.refs.liveCount(),
                "a leak the host can see: without the hook no reference the guest handed back is released");
    }

    @Test
    void theProcessedFixtureHasTheDocumentedInterface() {
        ProcessingResult r = outputs.process(ExternrefProcessor.builder().dropFunction(HOOK).build(), fixture, "interface");
        var m = com.dylibso.chicory.wasm.Parser.parse(r.output());
        List<String> imports = new ArrayList<>();
        for (int i = 0; i < m.importSection().importCount(); i++) {
            imports.add(m.importSection().getImport(i).module() + "." + m.importSection().getImport(i).name());
        }
        // The hook takes the first surrogate's place, so the fixture's own imports keep their indices.
        assertEquals(List.of("test.inspect_refs", "hooks.drop", "test.send_message", "test.message_len"), imports);
        assertEquals(2, m.tableSection().tableCount(), "the fixture's funcref table and the new externref table");
        assertEquals(com.dylibso.chicory.wasm.types.ValType.FuncRef, m.tableSection().getTable(0).elementType());
        assertEquals(ExternRef, m.tableSection().getTable(1).elementType());
        assertEquals(0, m.tableSection().getTable(1).limits().min());
        Set<String> exports = new HashSet<>();
        for (int i = 0; i < m.exportSection().exportCount(); i++) {
            var e = m.exportSection().getExport(i);
            exports.add(e.name() + ":" + e.exportType() + ":" + e.index());
        }
        assertTrue(exports.contains("externrefs:TABLE:1"), exports::toString);
        assertEquals(List.of("test.send_message (externref, i32, i32) -> externref", "test.message_len (externref) -> i32"),
                r.report().imports());
        assertEquals(3, r.report().exports().size(), r.report()::toString);
        assertTrue(r.report().removedGuards() > 0);
        assertFalse(m.customSections().stream().anyMatch(s -> s.name().equals("__externrefs")));
    }

    @Test
    void allScenariosPassInNode(@TempDir Path dir) throws Exception {
        Path hooked = Files.write(dir.resolve("hooked.wasm"),
                process(ExternrefProcessor.builder().dropFunction(HOOK).build(), "node, hook"));
        Node.Result r = UpstreamE2eHost.run(hooked, "--drop-fn", HOOK.toString());
        assertEquals(0, r.exitCode(), r::describe);
        assertTrue(r.stdout().contains("\"mode\": \"processed\""), r::describe);
        assertTrue(r.stderr().contains("OK, 4 scenarios passed"), r::describe);

        Path custom = Files.write(dir.resolve("custom.wasm"),
                process(ExternrefProcessor.builder().tableName("refs").build(), "node, table refs"));
        Node.Result c = UpstreamE2eHost.run(custom, "--table", "refs");
        assertEquals(0, c.exitCode(), c::describe);
    }
}
