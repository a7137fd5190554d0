package dev.externref.engine.format;

import dev.externref.engine.testing.SpecCorpus;
import dev.externref.engine.testing.SpecCase;
import dev.externref.engine.testing.Node;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Renumbering for real: every valid spec module and the upstream fixture are rewritten
 * <ul>
 *   <li>as if an import were inserted: a {@code () -> ()} type and an import {@code added.f} are
 *       appended, and every defined function moves up by one ({@link IndexRemap#shift});</li>
 *   <li>as if an import were removed: the import just inserted is removed again with
 *       {@code removeEntry} and a remap that maps it to -1 and moves the functions after it down.
 *       That import is the one removal known to be sound for every module: nothing in the
 *       module can refer to it (choosing an unused import of the original would need a
 *       reference analysis the test would then have to trust). The expected result is the
 *       original module itself.</li>
 * </ul>
 * The outputs must parse and decode, renumber exactly the function references, and get the same
 * verdict from V8 as the original. A curated set of modules also runs on Chicory before and
 * after, with the same results.
 */
class ShiftRemapTest {
    record Case(String name, byte[] original) {
        @Override
        public String toString() {
            return name;
        }
    }

    record Outcome(byte[] inserted, byte[] removed, Throwable failure) {
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("upstream-e2e.wasm", RoundTrips.fixture()));
        for (SpecCase c : SpecCorpus.load().cases(SpecCase.Kind.VALID)) {
            cases.add(new Case(c.toString(), RoundTrips.read(c.path())));
        }
        return cases;
    }

    @TestFactory
    Stream<DynamicTest> insertingAndRemovingAnImport() {
        List<Case> cases = cases();
        List<Outcome> outcomes = new ArrayList<>();
        List<byte[]> toValidate = new ArrayList<>();
        for (Case c : cases) {
            Outcome o;
            try {
                byte[] inserted = RoundTrips.insertImport(WasmModule.parse(c.original()));
                byte[] removed = RoundTrips.removeInsertedImport(WasmModule.parse(inserted));
                o = new Outcome(inserted, removed, null);
            } catch (Throwable t) {
                o = new Outcome(null, null, t);
            }
            outcomes.add(o);
            toValidate.add(c.original());
            toValidate.add(o.inserted() != null ? o.inserted() : new byte[0]);
            toValidate.add(o.removed() != null ? o.removed() : new byte[0]);
        }
        List<Node.Validation> verdicts = Node.validateBytes(toValidate);
        long identical = IntStream.range(0, cases.size())
                .filter(i -> outcomes.get(i).removed() != null && Arrays.equals(cases.get(i).original(),
                        withoutEmptySectionsAbsentFrom(WasmModule.parse(cases.get(i).original()), outcomes.get(i).removed())))
                .count();
        long v8valid = IntStream.range(0, cases.size()).filter(i -> verdicts.get(3 * i).valid()).count();
        System.out.printf("shift remap: %d modules; insert-then-remove reproduced %d byte for byte; V8 accepts %d originals%n",
                cases.size(), identical, v8valid);
        return IntStream.range(0, cases.size()).mapToObj(i -> DynamicTest.dynamicTest(cases.get(i).name(), () -> {
            Case c = cases.get(i);
            Outcome o = outcomes.get(i);
            if (o.failure() != null) {
                throw new AssertionError("rewriting failed", o.failure());
            }
            WasmModule before = WasmModule.parse(c.original());
            WasmModule inserted = WasmModule.parse(o.inserted());
            inserted.decodeAllBodies();
            int k = before.importedFunctionCount();
            assertEquals(before.functionCount() + 1, inserted.functionCount());
            assertEquals(before.imports().size() + 1, inserted.imports().size());
            assertEquals("added", inserted.imports().get(inserted.imports().size() - 1).module());
            assertEquals("() -> ()", inserted.functionSignature(k));
            Bodies.assertFunctionIndicesRenumbered(before, inserted, f -> f >= k ? f + 1 : f);

            WasmModule removed = WasmModule.parse(o.removed());
            removed.decodeAllBodies();
            Bodies.assertFunctionIndicesRenumbered(before, removed, f -> f);
            byte[] expected = c.original();
            byte[] actual = withoutEmptySectionsAbsentFrom(before, o.removed());
            if (actual.length == expected.length) {
                RoundTrips.assertSameBytes(expected, actual, "insert then remove");
            }
            // Otherwise an index grew a byte when shifted up (e.g. 127 -> 128) and kept its width
            // when shifted back down, or the original had no import or type section: then only
            // the verdicts below and the code comparison above apply.

            Node.Validation original = verdicts.get(3 * i);
            assertEquals(original.valid(), verdicts.get(3 * i + 1).valid(),
                    () -> "V8 on the original: " + original + "; with an import inserted: " + verdicts.get(3 * i + 1));
            assertEquals(original.valid(), verdicts.get(3 * i + 2).valid(),
                    () -> "V8 on the original: " + original + "; with the import removed again: " + verdicts.get(3 * i + 2));
        }));
    }

    /**
     * Drops the empty type and import sections that removing the last entry leaves behind where
     * the original module had none (the writer keeps a section it was asked to edit).
     */
    static byte[] withoutEmptySectionsAbsentFrom(WasmModule original, byte[] module) {
        WasmModule m = WasmModule.parse(module);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(module, 0, 8);
        for (Section s : m.sections()) {
            boolean empty = s.end() - s.payloadStart() == 1 && module[s.payloadStart()] == 0;
            if (empty && (s.id() == Section.TYPE || s.id() == Section.IMPORT) && original.section(s.id()) == null) {
                continue;
            }
            out.write(module, s.start(), s.end() - s.start());
        }
        return out.toByteArray();
    }

    /** Modules without imports whose exported functions are run before and after renumbering. */
    static final List<String> CHICORY_MODULES = List.of(
            "valid/call.3.wasm", "valid/call_indirect.623.wasm", "valid/elem.142.wasm", "valid/elem.926.wasm",
            "valid/func_ptrs.51.wasm", "valid/bulk.154.wasm", "valid/bulk.300.wasm",
            "valid/memory_init.877.wasm", "valid/select.1.wasm");

    @TestFactory
    Stream<DynamicTest> renumberedModulesRunTheSameOnChicory() {
        Stream<DynamicTest> spec = CHICORY_MODULES.stream().map(file -> DynamicTest.dynamicTest(file, () -> {
            byte[] original = RoundTrips.read(SpecCorpus.load().root().resolve(file));
            byte[] inserted = RoundTrips.insertImport(WasmModule.parse(original));
            List<String> before = ChicoryRuns.runAllExports(original, ChicoryRuns.neverCalled());
            List<String> after = ChicoryRuns.runAllExports(inserted, ChicoryRuns.neverCalled("added", "f"));
            assertEquals(before, after);
            assertTrue(ChicoryRuns.normalReturns(before) > 0, "some export returns normally: " + before);
            System.out.printf("%s: %d calls, %d returned normally, the same after renumbering%n", file, before.size(),
                    ChicoryRuns.normalReturns(before));
        }));
        Stream<DynamicTest> fixture = Stream.of(DynamicTest.dynamicTest("upstream-e2e.wasm with stub host functions", () -> {
            byte[] original = RoundTrips.fixture();
            byte[] inserted = RoundTrips.insertImport(WasmModule.parse(original));
            List<String> before = runFixture(original, false);
            List<String> after = runFixture(inserted, true);
            assertEquals(before, after);
            assertTrue(before.contains("send_message(\"test\")"), () -> "the exports ran and sent messages: " + before);
            System.out.println("upstream-e2e.wasm on Chicory, before and after renumbering: " + before);
        }));
        return Stream.concat(spec, fixture);
    }

    /**
     * Runs the fixture's exports with a host that behaves as ABI.md describes for the unprocessed
     * module (references are plain i32 surrogates: insert and get return their argument) and
     * records every host call.
     */
    private static List<String> runFixture(byte[] module, boolean withAddedImport) {
        List<String> trace = new ArrayList<>();
        List<String> messages = new ArrayList<>();
        List<HostFunction> host = new ArrayList<>();
        FunctionType i32ToI32 = FunctionType.of(List.of(ValType.I32), List.of(ValType.I32));
        host.add(new HostFunction("test", "inspect_refs", FunctionType.empty(), (inst, args) -> {
            trace.add("inspect_refs");
            return null;
        }));
        host.add(new HostFunction("externref", "drop", FunctionType.of(List.of(ValType.I32), List.of()), (inst, args) -> {
            trace.add("drop(" + args[0] + ")");
            return null;
        }));
        host.add(new HostFunction("externref", "guard", FunctionType.empty(), (inst, args) -> null));
        host.add(new HostFunction("externref", "get", i32ToI32, (inst, args) -> new long[] {args[0]}));
        host.add(new HostFunction("externref", "insert", i32ToI32, (inst, args) -> new long[] {args[0]}));
        host.add(new HostFunction("test", "send_message", FunctionType.of(List.of(ValType.I32, ValType.I32, ValType.I32), List.of(ValType.I32)),
                (inst, args) -> {
                    String text = new String(inst.memory().readBytes((int) args[1], (int) args[2]), StandardCharsets.UTF_8);
                    messages.add(text);
                    trace.add("send_message(\"" + text + "\")");
                    return new long[] {100 + messages.size()};
                }));
        host.add(new HostFunction("test", "message_len", i32ToI32, (inst, args) -> {
            int handle = (int) args[0];
            int message = handle - 101;
            long len = message < 0 || message >= messages.size() ? 0 : messages.get(message).getBytes(StandardCharsets.UTF_8).length;
            trace.add("message_len(" + handle + ") = " + len);
            return new long[] {len};
        }));
        if (withAddedImport) {
            host.add(new HostFunction("added", "f", FunctionType.empty(), (inst, args) -> {
                throw new AssertionError("the added import is never called");
            }));
        }
        Instance instance = Instance.builder(Parser.parse(module))
                .withImportValues(ImportValues.builder().withFunctions(new ArrayList<>(host)).build()).build();
        for (String export : List.of("test_export", "test_export_with_casts", "test_nulls")) {
            for (long sender : new long[] {1, 0}) {
                trace.add("> " + export + "(" + sender + ")");
                try {
                    instance.export(export).apply(sender);
                } catch (RuntimeException e) {
                    trace.add("threw " + e.getClass().getSimpleName() + ": " + e.getMessage());
                }
            }
        }
        if (trace.isEmpty()) {
            fail("nothing ran");
        }
        return trace;
    }
}
