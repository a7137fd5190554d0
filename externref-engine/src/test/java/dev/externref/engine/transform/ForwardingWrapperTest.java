package dev.externref.engine.transform;

import dev.externref.engine.ExternrefProcessor;
import dev.externref.engine.error.ProcessingException;
import dev.externref.engine.ProcessingResult;
import dev.externref.engine.transform.testkit.Demo;
import dev.externref.engine.transform.testkit.Modules;
import dev.externref.engine.transform.testkit.ValidatedOutputs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exports that only forward to the function doing the work, as wasm-ld writes them for WASI
 * commands ({@code <export>.command_export}): the record names the wrapper, the references are
 * handled in the function it calls. Recognised only when the code proves it; any other shape
 * stays refused, and a wrapper nothing reaches does not fail the module.
 */
class ForwardingWrapperTest {
    @RegisterExtension
    static final ValidatedOutputs outputs = new ValidatedOutputs();

    private static final ExternrefProcessor WITH_HOOK = ExternrefProcessor.builder().dropFunction(Demo.HOOK).build();

    /** Constructors log 1, destructors 2; {@code $len_impl} and {@code $pair} are what rustc makes of an export. */
    private static final String WORK = """
              (func $ctors i32.const 1 call $log)
              (func $dtors i32.const 2 call $log)
              (func $len_impl (param $ref i32) (result i32) (local $slot i32) (local $n i32)
                local.get $ref
                call $insert
                local.set $slot
                local.get $slot
                call $len
                local.set $n
                local.get $slot
                call $drop
                local.get $n)
              (func $pair (param $ref i32) (param $n i32) (result i32 i32) (local $slot i32)
                local.get $ref
                call $insert
                local.set $slot
                local.get $slot
                call $get
                local.get $n
                i32.const 1
                i32.add
                local.get $slot
                call $drop)
              (func $two (param $ref i32) (param $n i32) (result i32) (local $slot i32)
                local.get $ref
                call $insert
                local.tee $slot
                call $len
                local.get $slot
                call $drop
                local.get $n
                i32.add)
            """;

    private static byte[] module(String wrappers, String export, int bits, int... refs) {
        return Demo.module(WORK + wrappers, Demo.records().export(export, bits, refs));
    }

    @Test
    void aWrapperThatOnlyForwardsDescribesTheFunctionItCalls() {
        byte[] input = module("(func (export \"fwd_len\") (param i32) (result i32) local.get 0 call $len_impl call $dtors)",
                "fwd_len", 2, 0);
        ProcessingResult r = outputs.process(WITH_HOOK, input, "plain forwarding");
        assertTrue(r.report().exports().contains("fwd_len (externref) -> i32"), r.report().exports()::toString);

        Demo.Host host = new Demo.Host(r.output());
        StringBuilder text = new StringBuilder("abcd");
        assertEquals(4, host.call("fwd_len", host.refs.ref(text)));
        assertEquals(List.of(text), host.drops);
        assertEquals(List.of(2), host.logs, "the destructors ran after the export");
        assertEquals(List.of(), host.refs.live(host.table()));
        assertEquals(List.of(), host.failures);
    }

    @Test
    void constructorsBeforeAndDestructorsAfterAreKept() {
        byte[] input = module("""
                (func (export "fwd_len") (param i32) (result i32)
                  call $ctors local.get 0 call $len_impl call $dtors call $dtors)
                """, "fwd_len", 2, 0);
        Demo.Host host = new Demo.Host(outputs.process(WITH_HOOK, input, "ctors and dtors").output());
        assertEquals(3, host.call("fwd_len", host.refs.ref("xyz")));
        assertEquals(List.of(1, 2, 2), host.logs);
        assertEquals(List.of(), host.failures);
    }

    @Test
    void aMultiResultExportForwardsAReferenceResult() {
        byte[] input = module("""
                (func (export "pair") (param i32 i32) (result i32 i32)
                  call $ctors local.get 0 local.get 1 call $pair call $dtors)
                """, "pair", 4, 0, 2);
        ProcessingResult r = outputs.process(WITH_HOOK, input, "multi-result");
        assertTrue(r.report().exports().contains("pair (externref, i32) -> (externref, i32)"), r.report().exports()::toString);

        Demo.Host host = new Demo.Host(r.output());
        Object given = new StringBuilder("given");
        long[] results = host.instance.export("pair").apply(host.refs.ref(given), 41);
        assertSame(given, host.refs.deref(results[0]), "the same reference comes back");
        assertEquals(42, results[1]);
        assertEquals(List.of(given), host.drops);
        assertEquals(List.of(1, 2), host.logs);
        assertEquals(List.of(), host.refs.live(host.table()));
    }

    @Test
    void aWrapperOfAWrapperForwardsToTheEnd() {
        byte[] input = module("""
                (func $inner (param i32) (result i32) local.get 0 call $len_impl call $dtors)
                (func (export "fwd_len") (param i32) (result i32) call $ctors local.get 0 call $inner)
                """, "fwd_len", 2, 0);
        Demo.Host host = new Demo.Host(outputs.process(WITH_HOOK, input, "nested").output());
        assertEquals(2, host.call("fwd_len", host.refs.ref("ab")));
        assertEquals(List.of(1, 2), host.logs);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "local.get 1 local.get 0 call $two",                       // reordered
        "local.get 0 local.get 1 i32.const 1 i32.add call $two",   // an unmarked parameter changed
        "local.get 0 local.get 0 call $two",                       // a parameter passed twice
        "local.get 0 local.get 1 call $two i32.const 1 i32.add",   // the result changed
        "local.get 0 local.get 1 call $two local.get 1 call $log", // a call that takes a value
    })
    void aWrapperThatDoesMoreThanForwardStaysRefused(String body) {
        byte[] input = module("(func (export \"not_plain\") (param i32 i32) (result i32) " + body + ")", "not_plain", 3, 0);
        ProcessingException e = assertThrows(ProcessingException.class, () -> WITH_HOOK.process(input));
        String message = e.getMessage();
        assertTrue(message.contains("export 'not_plain'") && message.contains("is not a wrapper that only forwards"),
                "names the wrapper and why it is refused: " + message);
        assertTrue(message.contains("byte offset " + e.offset()), message);
        assertFalse(message.contains("wasm-opt"), "no optimizer ran: " + message);
    }

    @Test
    void theReasonOfARefusalIsTheFirstRuleBroken() {
        byte[] input = module("(func (export \"swapped\") (param i32 i32) (result i32) local.get 1 local.get 0 call $two)",
                "swapped", 3, 0);
        ProcessingException e = assertThrows(ProcessingException.class, () -> WITH_HOOK.process(input));
        assertTrue(e.getMessage().contains("it passes local 1 where parameter 0 belongs"), e.getMessage());
    }

    @Test
    void aWrapperThatNothingReachesDoesNotFailTheModule() {
        byte[] input = module("""
                (func (export "fwd_len") (param i32) (result i32) call $ctors local.get 0 call $len_impl call $dtors)
                (func $dead_wrapper (param i32) (result i32) call $ctors local.get 0 call $len_impl call $dtors)
                (func $dead_misuse (param i32) (result i32) local.get 0 call $get i32.const 1 i32.add)
                """, "fwd_len", 2, 0);
        Demo.Host host = new Demo.Host(outputs.process(WITH_HOOK, input, "dead wrapper").output());
        assertEquals(5, host.call("fwd_len", host.refs.ref("abcde")));
        assertEquals(List.of(1, 2), host.logs);
    }

    @Test
    void theSameFunctionCalledFromLiveCodeStillFails() {
        byte[] input = module("""
                (func (export "fwd_len") (param i32) (result i32) call $ctors local.get 0 call $len_impl call $dtors)
                (func $misuse (param i32) (result i32) local.get 0 call $get i32.const 1 i32.add)
                (func (export "uses_misuse") (param i32) (result i32) local.get 0 call $misuse)
                """, "fwd_len", 2, 0);
        ProcessingException e = assertThrows(ProcessingException.class, () -> WITH_HOOK.process(input));
        assertEquals(ProcessingException.Kind.UNEXPECTED_REFERENCE_CALL, e.kind());
    }

    // ----- the cause an error names -------------------------------------------------------------

    private static final String MISUSE = """
              (func (export "misuse") (param i32) (result i32) local.get 0 call $get i32.const 1 i32.add)
            """;

    @Test
    void withoutASignOfAnOptimizerTheErrorDoesNotBlameOne() {
        byte[] input = Modules.withCustomSection(Demo.module(MISUSE, Demo.records()), "producers",
                producers("language", "Rust", "", "processed-by", "rustc", "1.96.0"));
        ProcessingException e = assertThrows(ProcessingException.class, () -> WITH_HOOK.process(input));
        assertEquals(ProcessingException.Kind.UNEXPECTED_REFERENCE_CALL, e.kind());
        assertFalse(e.getMessage().contains("wasm-opt"), e.getMessage());
        assertTrue(e.getMessage().contains("no sign of an optimizer"), e.getMessage());
        assertTrue(e.getMessage().contains("Describe every export that takes or returns references"), e.getMessage());
    }

    @Test
    void anOptimizerInTheProducersSectionIsNamed() {
        byte[] input = Modules.withCustomSection(Demo.module(MISUSE, Demo.records()), "producers",
                producers("processed-by", "rustc", "1.96.0", "processed-by", "binaryen", "version 118"));
        ProcessingException e = assertThrows(ProcessingException.class, () -> WITH_HOOK.process(input));
        assertTrue(e.getMessage().contains("The producers section names binaryen version 118"), e.getMessage());
        assertTrue(e.getMessage().contains("before wasm-opt"), e.getMessage());
    }

    @Test
    void withoutAProducersSectionBothCausesAreNamed() {
        ProcessingException e = assertThrows(ProcessingException.class,
                () -> WITH_HOOK.process(Demo.module(MISUSE, Demo.records())));
        assertTrue(e.getMessage().contains("Either a function handles host references"), e.getMessage());
        assertTrue(e.getMessage().contains("before wasm-opt"), e.getMessage());
    }

    @Test
    void theRecognitionReadsTheCodeNotTheName() {
        // A wrapper's name is no proof: a function named like one that does more stays refused.
        byte[] input = Modules.withCustomSection(
                module("(func (export \"not_plain\") (param i32 i32) (result i32) local.get 1 local.get 0 call $two)",
                        "not_plain", 3, 0),
                "name", Modules.functionNames(java.util.Map.of(Demo.FUNCTIONS + 6, "not_plain.command_export")));
        assertThrows(ProcessingException.class, () -> WITH_HOOK.process(input));
        byte[] plain = module("(func (export \"plain\") (param i32) (result i32) local.get 0 call $len_impl)", "plain", 2, 0);
        assertArrayEquals(WITH_HOOK.process(plain).output(), WITH_HOOK.process(plain).output(), "deterministic");
    }

    /** A producers section payload from (field, name, version) triples; a field repeats when consecutive. */
    private static byte[] producers(String... triples) {
        ByteArrayOutputStream fields = new ByteArrayOutputStream();
        int count = 0;
        for (int i = 0; i < triples.length; ) {
            String field = triples[i];
            int j = i;
            ByteArrayOutputStream values = new ByteArrayOutputStream();
            int n = 0;
            while (j < triples.length && triples[j].equals(field)) {
                name(values, triples[j + 1]);
                name(values, triples[j + 2]);
                n++;
                j += 3;
            }
            name(fields, field);
            fields.writeBytes(Modules.leb(n));
            fields.writeBytes(values.toByteArray());
            count++;
            i = j;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Modules.leb(count));
        out.writeBytes(fields.toByteArray());
        return out.toByteArray();
    }

    private static void name(ByteArrayOutputStream out, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(Modules.leb(utf8.length));
        out.writeBytes(utf8);
    }
}
