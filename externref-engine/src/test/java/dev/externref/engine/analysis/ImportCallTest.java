package dev.externref.engine.analysis;

import dev.externref.engine.ProcessingResult;
import dev.externref.engine.transform.testkit.RefHost;
import dev.externref.engine.transform.testkit.ValidatedOutputs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Calls of described imports as rustc's wrappers make them, run on Chicory: references at
 * several parameter positions with integers pushed between them, a reference result, null
 * references through {@code get(-1)} and {@code insert} of null, the same reference twice, a
 * multi-value import whose first result is a reference, and an export called internally.
 */
class ImportCallTest {
    @RegisterExtension
    static final ValidatedOutputs outputs = new ValidatedOutputs();

    private static final String PICK = """
              (func $drop_slot (param $slot i32)
                local.get $slot
                i32.const -1
                i32.ne
                if
                  local.get $slot
                  call $drop
                end)
              (func $pick (param $a i32) (param $w i32) (param $b i32) (result i32)
                call $guard
                local.get $a
                call $get
                local.get $w
                local.get $b
                call $get
                call $host_pick
                call $insert)
              (func (export "pick") (param $x i32) (param $w i32) (param $y i32) (result i32)
                (local $sx i32) (local $sy i32) (local $sr i32)
                local.get $x
                call $insert
                local.set $sx
                local.get $y
                call $insert
                local.set $sy
                local.get $sx
                local.get $w
                local.get $sy
                call $pick
                local.set $sr
                local.get $sr
                call $get
                local.get $sx
                call $drop_slot
                local.get $sy
                call $drop_slot
                local.get $sr
                call $drop_slot)
            """;

    private static FlowKit.Host pickHost() {
        byte[] input = FlowKit.module(PICK, FlowKit.records().export("pick", 4, 0, 2, 3));
        ProcessingResult r = outputs.process(FlowKit.PROCESSOR, input, "pick");
        return new FlowKit.Host(r.output());
    }

    @Test
    void referencesAtTwoParameterPositionsAndAReferenceResult() {
        FlowKit.Host host = pickHost();
        Object a = FlowKit.text("a");
        Object b = FlowKit.text("b");
        assertSame(a, host.object(host.call("pick", host.refs.ref(a), 0, host.refs.ref(b))));
        assertSame(b, host.object(host.call("pick", host.refs.ref(a), 1, host.refs.ref(b))));
        assertEquals(List.of(a, b), host.seen.subList(0, 2), "the import saw a and b, in order");
        assertEquals(List.of(a, b, a, a, b, b), host.drops, "both inputs and the result were dropped, each call");
        host.assertClean();
    }

    @Test
    void nullReferencesGoThroughInsertAndGetAsMinusOne() {
        FlowKit.Host host = pickHost();
        Object b = FlowKit.text("b");
        assertNull(host.object(host.call("pick", RefHost.NULL, 0, host.refs.ref(b))));
        assertSame(b, host.object(host.call("pick", RefHost.NULL, 1, host.refs.ref(b))));
        assertNull(host.object(host.call("pick", RefHost.NULL, 1, RefHost.NULL)));
        assertEquals(Arrays.asList(null, b, null, b, null, null), host.seen);
        assertEquals(List.of(b, b, b), host.drops, "null slots are never dropped");
        host.assertClean();
    }

    @Test
    void theSameReferenceTwiceAndNullTwice() {
        byte[] input = FlowKit.module("""
                  (func (export "same") (param $slot i32) (result i32) (local $r i32)
                    call $guard
                    local.get $slot
                    call $get
                    local.tee $r
                    local.get $r
                    call $host_same
                    i32.const 10
                    i32.mul
                    i32.const -1
                    call $get
                    i32.const -1
                    call $get
                    call $host_same
                    i32.add
                    local.get $slot
                    call $get
                    i32.const -1
                    call $get
                    call $host_same
                    i32.const 100
                    i32.mul
                    i32.add)
                  (func (export "with_ref") (param $ref i32) (result i32) (local $slot i32) (local $n i32)
                    local.get $ref
                    call $insert
                    local.tee $slot
                    call 14
                    local.set $n
                    local.get $slot
                    call $drop
                    local.get $n)
                """, FlowKit.records().export("with_ref", 2, 0));
        FlowKit.Host host = new FlowKit.Host(outputs.process(FlowKit.PROCESSOR, input, "same").output());
        assertEquals(11, host.call("with_ref", host.refs.ref(FlowKit.text("me"))));
        host.assertClean();
    }

    @Test
    void aMultiValueImportWithAReferenceFirst() {
        byte[] input = FlowKit.module("""
                  (func (export "pair_locals") (param $n i32) (result i32) (local $len i32) (local $r i32)
                    call $guard
                    local.get $n
                    call $host_pair
                    local.set $len
                    local.set $r
                    local.get $r
                    call $host_len
                    local.get $len
                    i32.const 100
                    i32.mul
                    i32.add)
                  (func (export "pair_stack") (param $n i32) (result i32)
                    call $guard
                    local.get $n
                    call $host_pair
                    call $log
                    call $host_len)
                  (func (export "pair_slot") (param $n i32) (result i32) (local $len i32) (local $slot i32)
                    call $guard
                    local.get $n
                    call $host_pair
                    local.set $len
                    call $insert
                    local.tee $slot
                    call $len
                    local.get $slot
                    call $drop
                    local.get $len
                    i32.add)
                """);
        FlowKit.Host host = new FlowKit.Host(outputs.process(FlowKit.PROCESSOR, input, "pair").output());
        assertEquals(3 + 600, host.call("pair_locals", 3));
        assertEquals(4, host.call("pair_stack", 4));
        assertEquals(List.of(8), host.logs);
        assertEquals(2 + 4, host.call("pair_slot", 2));
        assertEquals("yy", host.drops.get(0).toString());
        host.assertClean();
    }

    @Test
    void anExportPassingItsReferenceParameterBackAsItsResult() {
        byte[] input = FlowKit.module("(func (export \"echo\") (param $r i32) (result i32) local.get $r)",
                FlowKit.records().export("echo", 2, 0, 1));
        FlowKit.Host host = new FlowKit.Host(outputs.process(FlowKit.PROCESSOR, input, "echo").output());
        Object me = FlowKit.text("me");
        assertSame(me, host.object(host.call("echo", host.refs.ref(me))));
        assertNull(host.object(host.call("echo", RefHost.NULL)));
        assertEquals(List.of(), host.drops);
    }

    @Test
    void aDescribedExportInATableIsRefused() {
        byte[] input = FlowKit.module("""
                  (type $t (func (param i32) (result i32)))
                  (table 1 funcref)
                  (elem (i32.const 0) 13)
                  (func (export "indirect") (param $n i32) (result i32)
                    local.get $n
                    i32.const 0
                    call_indirect (type $t)
                    drop
                    i32.const 1)
                """);
        // Its slot in the table would keep the old type's callers while its type changes: they would trap.
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.externref.engine.error.ProcessingException.class,
                () -> FlowKit.PROCESSOR.process(input));
        assertEquals(dev.externref.engine.error.ProcessingException.Kind.UNSUPPORTED_REFERENCE_FLOW, e.kind());
        assertTrue(e.getMessage().contains("make") && e.getMessage().contains("calls through a table"), e.getMessage());
        assertTrue(e.getMessage().contains("byte offset " + e.offset()), e.getMessage());
    }

    @Test
    void anExportReturningAReferenceCalledInternally() {
        byte[] input = FlowKit.module("""
                  (func (export "twice") (param $n i32) (result i32)
                    call $guard
                    local.get $n
                    call 13
                    call $host_len
                    local.get $n
                    i32.const 1
                    i32.add
                    call 13
                    call $host_len
                    i32.add)
                """);
        FlowKit.Host host = new FlowKit.Host(outputs.process(FlowKit.PROCESSOR, input, "internal export call").output());
        assertEquals(3 + 4, host.call("twice", 3));
        assertEquals(2, host.drops.size(), "make dropped its slot both times");
        host.assertClean();
    }
}
