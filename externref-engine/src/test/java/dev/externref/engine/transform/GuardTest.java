package dev.externref.engine.transform;

import com.dylibso.chicory.wasm.Parser;
import dev.externref.engine.ExternrefProcessor;
import dev.externref.engine.error.ProcessingException;
import dev.externref.engine.error.ProcessingException.Kind;
import dev.externref.engine.ProcessingResult;
import dev.externref.engine.transform.testkit.Demo;
import dev.externref.engine.transform.testkit.Modules;
import dev.externref.engine.transform.testkit.Records;
import dev.externref.engine.transform.testkit.ValidatedOutputs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static dev.externref.engine.transform.testkit.Modules.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ABI.md, "The guard", as the reference-flow analysis refines it: guard calls are removed
 * wherever they are. Where they stand is a hint: a misplaced guard (the mark of an optimizer run
 * before processing) is fine when the analysis proves the rewrite sound, and is named, with the
 * cause and the fix, when it does not. Likewise a reference kept in a local of an unguarded
 * function is fine when it only flows to places that take references.
 */
class GuardTest {
    @RegisterExtension
    static final ValidatedOutputs outputs = new ValidatedOutputs();

    private static final ExternrefProcessor WITH_HOOK = ExternrefProcessor.builder().dropFunction(Demo.HOOK).build();

    @Test
    void guardsFirstInTheWrappersAreRemovedAndTheWrappersWork() {
        ProcessingResult r = outputs.process(WITH_HOOK, Demo.module(), "demo");
        assertEquals(2, r.report().removedGuards());
        var m = Parser.parse(r.output());
        for (int i = 0; i < m.importSection().importCount(); i++) {
            assertTrue(!m.importSection().getImport(i).module().equals("externref"), "externref imports are gone");
        }

        Demo.Host host = new Demo.Host(r.output());
        StringBuilder hello = new StringBuilder("hello");
        assertEquals(5, host.call("length_of", host.refs.ref(hello)));
        assertEquals(List.of(hello), host.drops);
        Object made = host.refs.deref(host.call("make", 3));
        assertEquals("xxx", made.toString(), "the wrapper kept the new reference in a local, the export returned it");
        assertSame(made, host.drops.get(1), "returning a reference from an export drops its slot through the hook");
        assertEquals(List.of(), host.refs.live(host.table()));
        assertEquals(List.of(), host.failures);
    }

    @Test
    void aGuardRightAfterTheStackPointerPrologueIsAccepted() {
        String extra = """
                  (func $len_framed (param $slot i32) (result i32) (local $frame i32) (local $n i32)
                    global.get $sp
                    i32.const 16
                    i32.sub
                    local.tee $frame
                    global.set $sp
                    call $guard
                    local.get $slot
                    call $get
                    call $host_len
                    local.set $n
                    local.get $frame
                    i32.const 16
                    i32.add
                    global.set $sp
                    local.get $n)
                  (func (export "length_framed") (param $ref i32) (result i32) (local $slot i32) (local $n i32)
                    local.get $ref
                    call $insert
                    local.set $slot
                    local.get $slot
                    call $len_framed
                    local.set $n
                    local.get $slot
                    call $drop
                    local.get $n)
                """;
        ProcessingResult r = outputs.process(WITH_HOOK, Demo.module(extra, Demo.records().export("length_framed", 2, 0)),
                "prologue");
        assertEquals(3, r.report().removedGuards());
        Demo.Host host = new Demo.Host(r.output());
        assertEquals(7, host.call("length_framed", host.refs.ref("seventy")));
        assertEquals(1, host.drops.size());
        assertEquals(1024, host.instance.global(0).getValue(), "the prologue and epilogue still balance the stack pointer");
    }

    /** A misplaced guard: the function, and the bytes around the guard call with its position in them. */
    record Misplaced(String name, String function, byte[] pattern, int guardAt) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Misplaced> misplacedGuards() {
        String tail = "local.get 0 call $insert call $get call $host_len)";
        return Stream.of(
                new Misplaced("after another instruction",
                        "(func (export \"inlined\") (param i32) (result i32) i32.const 4660 drop call $guard " + tail,
                        bytes(0x41, 0xB4, 0x24, 0x1A, 0x10, Demo.GUARD), 4),
                new Misplaced("first inside a block",
                        "(func (export \"inlined\") (param i32) (result i32) block call $guard end " + tail,
                        bytes(0x02, 0x40, 0x10, Demo.GUARD, 0x0B), 2),
                new Misplaced("after a global.set inside a block",
                        "(func (export \"inlined\") (param i32) (result i32) block global.get $sp i32.const 16 i32.sub "
                                + "global.set $sp call $guard end " + tail,
                        bytes(0x24, 0x00, 0x10, Demo.GUARD), 2),
                new Misplaced("twice at the start",
                        "(func (export \"inlined\") (param i32) (result i32) call $guard call $guard " + tail,
                        bytes(0x10, Demo.GUARD, 0x10, Demo.GUARD), 2),
                new Misplaced("inlined into an export after insert (what wasm-opt does)",
                        "(func (export \"inlined\") (param $ref i32) (result i32) (local $slot i32) (local $n i32) "
                                + "local.get $ref call $insert local.set $slot "
                                + "call $guard local.get $slot call $get call $host_len local.set $n "
                                + "local.get $slot call $drop local.get $n)",
                        bytes(0x21, 0x01, 0x10, Demo.GUARD), 2));
    }

    @ParameterizedTest
    @MethodSource("misplacedGuards")
    void aMisplacedGuardIsRemovedWhenTheReferenceFlowIsSound(Misplaced c) {
        byte[] input = Demo.module(c.function(), Demo.records().export("inlined", 2, 0));
        ProcessingResult r = outputs.process(WITH_HOOK, input, c.name());
        assertTrue(r.report().removedGuards() >= 3, "the wrappers' guards and the misplaced one");
        Demo.Host host = new Demo.Host(r.output());
        assertEquals(5, host.call("inlined", host.refs.ref("hello")));
        assertEquals(List.of(), host.failures);
    }

    @ParameterizedTest
    @MethodSource("misplacedGuards")
    void aMisplacedGuardIsNamedWithCauseAndFixWhenTheFlowIsUnsound(Misplaced c) {
        // The same functions, but the reference from `get` is then used as a number.
        String unsound = c.function().replace("call $get call $host_len", "call $get i32.const 1 i32.add");
        byte[] input = Demo.module(unsound, Demo.records().export("inlined", 2, 0));
        int guard = Modules.indexOfUnique(input, c.pattern()) + c.guardAt();

        ProcessingException e = assertThrows(ProcessingException.class, () -> WITH_HOOK.process(input));

        assertEquals(Kind.MISPLACED_GUARD, e.kind());
        assertNotNull(e.function());
        assertTrue(e.function().contains("inlined"), e.function());
        String message = e.getMessage();
        assertTrue(message.contains("used as an integer by i32.add"), "says what is unsound: " + message);
        assertTrue(message.contains("byte offset " + e.offset()), message);
        assertTrue(message.contains("externref.guard at byte offset " + guard), "names the misplaced guard: " + message);
        assertTrue(message.contains("wasm-opt"), "names the likely cause: " + message);
        assertTrue(message.contains("before wasm-opt"), "says how to fix it: " + message);
    }

    @Test
    void aMisplacedGuardInAnUnexportedFunctionIsNamedFromTheNameSection() {
        // Called from an export: a function nothing reaches would only lose its code.
        String extra = "(func $helper (param i32) (result i32) nop call $guard local.get 0 call $get i32.const 1 i32.add)"
                + "(func (export \"calls_helper\") (param i32) (result i32) local.get 0 call $helper)";
        byte[] input = Modules.withCustomSection(Demo.module(extra, Demo.records()), "name",
                Modules.functionNames(java.util.Map.of(Demo.FUNCTIONS, "my_crate::helper")));
        ProcessingException e = assertThrows(ProcessingException.class, () -> WITH_HOOK.process(input));
        assertEquals(Kind.MISPLACED_GUARD, e.kind());
        assertTrue(e.function().contains("my_crate::helper"), e.function());
        assertTrue(e.getMessage().contains("externref.guard at byte offset "
                + (Modules.indexOfUnique(input, bytes(0x01, 0x10, Demo.GUARD)) + 1)), e.getMessage());
    }

    @Test
    void aReferenceKeptInALocalOfAnUnguardedFunctionIsFineWhenItOnlyReachesSinks() {
        // Exported (undescribed, so it returns the slot) for the test to call it.
        String extra = """
                  (func $sneaky (export "sneaky") (param $n i32) (result i32) (local $r i32)
                    local.get $n
                    call $host_make
                    local.set $r
                    local.get $r
                    call $insert)
                """;
        ProcessingResult r = outputs.process(WITH_HOOK, Demo.module(extra, Demo.records()), "sound unguarded local");
        assertTrue(r.report().retypedFunctions().stream().anyMatch(f -> f.contains("sneaky")),
                "$r holds the reference as an externref: " + r.report().retypedFunctions());
        Demo.Host host = new Demo.Host(r.output());
        long slot = host.call("sneaky", 6);
        Object kept = host.refs.slots(host.table()).get((int) slot);
        assertEquals("xxxxxx", String.valueOf(kept), "the new reference went from the local into the table, at the slot returned");
        assertEquals(List.of(kept), host.refs.live(host.table()));
        assertEquals(List.of(), host.failures);
    }

    @Test
    void aReferenceFromAnUnguardedFunctionUsedAsANumberIsAnUnexpectedCall() {
        String extra = """
                  (func $sneaky (export "sneaky") (param $n i32) (result i32) (local $r i32)
                    i32.const 4661
                    drop
                    local.get $n
                    call $host_make
                    local.set $r
                    local.get $r
                    i32.const 1
                    i32.add)
                """;
        byte[] input = Demo.module(extra, Demo.records());
        int add = Modules.indexOfUnique(input, bytes(0x21, 0x01, 0x20, 0x01, 0x41, 0x01, 0x6A)) + 6;

        ProcessingException e = assertThrows(ProcessingException.class, () -> WITH_HOOK.process(input));

        assertEquals(Kind.UNEXPECTED_REFERENCE_CALL, e.kind());
        assertEquals(add, e.offset(), "offset of the instruction that uses the reference as a number");
        assertTrue(e.getMessage().contains("unexpected call to an externref-returning function"), e.getMessage());
        assertTrue(e.getMessage().contains("function " + Demo.FUNCTIONS), e.getMessage());
    }

    @Test
    void aGetResultTeedIntoALocalOfAnUndescribedExportIsFineWhenPassedOn() {
        String extra = """
                  (func (export "undescribed") (param $slot i32) (result i32) (local $r i32)
                    local.get $slot
                    call $get
                    local.tee $r
                    call $host_len)
                  (func (export "keep") (param $ref i32) (result i32)
                    local.get $ref
                    call $insert)
                """;
        ProcessingResult r = outputs.process(WITH_HOOK, Demo.module(extra, Demo.records().export("keep", 2, 0)),
                "undescribed export");
        assertTrue(r.report().retypedFunctions().stream().anyMatch(f -> f.contains("undescribed")),
                "$r holds the reference as an externref: " + r.report().retypedFunctions());
        Demo.Host host = new Demo.Host(r.output());
        long slot = host.call("keep", host.refs.ref("seven!!"));
        assertEquals(7, host.call("undescribed", slot), "host.len got the reference from the slot, through the local");
        assertEquals(List.of(), host.failures);
    }

    @Test
    void anUnguardedFunctionMayPassAReferenceOnTheStack() {
        String extra = """
                  (func $direct (param $slot i32) (result i32)
                    local.get $slot
                    call $get
                    call $host_len)
                  (func (export "length_direct") (param $ref i32) (result i32) (local $slot i32) (local $n i32)
                    local.get $ref
                    call $insert
                    local.set $slot
                    local.get $slot
                    call $direct
                    local.set $n
                    local.get $slot
                    call $drop
                    local.get $n)
                """;
        ProcessingResult r = outputs.process(WITH_HOOK, Demo.module(extra, Demo.records().export("length_direct", 2, 0)),
                "direct");
        Demo.Host host = new Demo.Host(r.output());
        assertEquals(3, host.call("length_direct", host.refs.ref("abc")));
    }

    @Test
    void aDescribedExportMayKeepAReferenceInALocal() {
        String extra = """
                  (func (export "make_kept") (param $n i32) (result i32) (local $slot i32) (local $r i32)
                    local.get $n
                    call $make
                    local.set $slot
                    local.get $slot
                    call $get
                    local.set $r
                    local.get $slot
                    call $drop
                    local.get $r)
                """;
        ProcessingResult r = outputs.process(WITH_HOOK, Demo.module(extra, Demo.records().export("make_kept", 2, 1)), "kept");
        assertTrue(r.report().retypedFunctions().stream().anyMatch(f -> f.contains("make_kept")),
                r.report().retypedFunctions()::toString);
        Demo.Host host = new Demo.Host(r.output());
        Object made = host.refs.deref(host.call("make_kept", 4));
        assertEquals("xxxx", made.toString());
        assertEquals(List.of(made), host.drops);
        assertEquals(List.of(), host.refs.live(host.table()));
    }

    @Test
    void aModuleWithOnlyAGuardAndNoRecordsLosesTheGuard() {
        byte[] input = Records.of().appendTo(Modules.wat("""
                (module
                  (import "externref" "guard" (func $guard))
                  (func (export "f") (result i32) call $guard i32.const 7))
                """));
        ProcessingResult r = outputs.process(input, "guard only");
        assertEquals(1, r.report().removedGuards());
        var m = Parser.parse(r.output());
        assertEquals(0, m.importSection().importCount());
        assertEquals(7, com.dylibso.chicory.runtime.Instance.builder(m).build().export("f").apply()[0]);
    }
}
