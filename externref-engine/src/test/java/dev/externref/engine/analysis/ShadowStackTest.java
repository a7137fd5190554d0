package dev.externref.engine.analysis;

import dev.externref.engine.error.ProcessingException;
import dev.externref.engine.error.ProcessingException.Kind;
import dev.externref.engine.ProcessingResult;
import dev.externref.engine.transform.testkit.ValidatedOutputs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static dev.externref.engine.format.Opcodes.CALL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * Debug builds keep Rust variables in the function's frame on the shadow stack, so a reference
 * goes to linear memory: {@code global.get $sp; i32.const 16; i32.sub; local.tee $fp;
 * global.set $sp}, then {@code local.get $fp; <ref>; i32.store offset=8}, and maybe a reload.
 * A spill slot whose address does not escape becomes an externref local; a spill that is never
 * loaded is dropped. Everything else that puts a reference in memory is refused, precisely.
 */
class ShadowStackTest {
    @RegisterExtension
    static final ValidatedOutputs outputs = new ValidatedOutputs();

    /** Linear memory address of the first frame below the initial stack pointer (1024). */
    private static final int FRAME = 1024 - 16;

    private static final String PROLOGUE = """
                global.get $sp
                i32.const 16
                i32.sub
                local.tee $fp
                global.set $sp
            """;
    private static final String EPILOGUE = """
                local.get $fp
                i32.const 16
                i32.add
                global.set $sp
            """;

    /** An export {@code name (ref) -> i32} that inserts its reference and calls {@code wrapper} with the slot. */
    private static String export(String name, String wrapper) {
        return """
                  (func (export "%s") (param $ref i32) (result i32) (local $slot i32) (local $n i32)
                    local.get $ref
                    call $insert
                    local.set $slot
                    local.get $slot
                    call %s
                    local.set $n
                    local.get $slot
                    call $drop
                    local.get $n)
                """.formatted(name, wrapper);
    }

    /** A guarded wrapper {@code (slot) -> i32} with a 16-byte frame; {@code body} leaves the result in $n. */
    private static String wrapper(String name, String body) {
        return "  (func " + name + " (param $slot i32) (result i32) (local $fp i32) (local $r i32) (local $n i32)\n"
                + PROLOGUE + "    call $guard\n" + body + EPILOGUE + "    local.get $n)\n";
    }

    private static FlowKit.Host run(String label, String wrapperName, String body) {
        byte[] input = FlowKit.module(wrapper(wrapperName, body) + export("f", wrapperName),
                FlowKit.records().export("f", 2, 0));
        ProcessingResult r = outputs.process(FlowKit.PROCESSOR, input, label);
        return new FlowKit.Host(r.output());
    }

    /** Calls f with a fresh "hello" and checks the result, the drop, the table and the stack pointer. */
    private static void callsWork(FlowKit.Host host, int expected) {
        Object hello = FlowKit.text("hello");
        assertEquals(expected, host.call("f", host.refs.ref(hello)));
        assertEquals(List.of(hello), host.drops);
        host.assertClean();
        assertEquals(1024, host.instance.global(0).getValue(), "the stack pointer is restored");
    }

    private static int memoryWord(FlowKit.Host host, int address) {
        return host.instance.memory().readInt(address);
    }

    @Test
    void aSpilledReferenceLoadedBackAndPassedToAnImportBecomesALocal() {
        FlowKit.Host host = run("spill and reload", "$spill_len", """
                    local.get $slot
                    call $get
                    local.set $r
                    local.get $fp
                    local.get $r
                    i32.store offset=8
                    local.get $fp
                    i32.load offset=8
                    call $host_len
                    local.set $n
                """);
        callsWork(host, 5);
        assertEquals(0, memoryWord(host, FRAME + 8), "the reference never went to memory");
    }

    @Test
    void optLevelZeroAddressesThroughLocalsAndASlotCopiedToAnotherSlot() {
        // -O0 keeps every constant and address in a local of its own.
        String wrapper = """
                  (func $o0 (param $slot i32) (result i32)
                    (local $base i32) (local $size i32) (local $fp i32) (local $r i32) (local $a i32) (local $n i32)
                    global.get $sp
                    local.set $base
                    i32.const 32
                    local.set $size
                    local.get $base
                    local.get $size
                    i32.sub
                    local.set $fp
                    local.get $fp
                    global.set $sp
                    call $guard
                    local.get $fp
                    local.get $slot
                    i32.store offset=4
                    local.get $fp
                    i32.load offset=4
                    call $get
                    local.set $r
                    local.get $fp
                    i32.const 12
                    i32.add
                    local.set $a
                    local.get $a
                    local.get $r
                    i32.store
                    local.get $fp
                    local.get $a
                    i32.load
                    i32.store offset=20
                    local.get $fp
                    i32.load offset=20
                    call $host_len
                    local.set $n
                    local.get $fp
                    local.get $size
                    i32.add
                    global.set $sp
                    local.get $n)
                """;
        byte[] input = FlowKit.module(wrapper + export("f", "$o0"), FlowKit.records().export("f", 2, 0));
        FlowKit.Host host = new FlowKit.Host(outputs.process(FlowKit.PROCESSOR, input, "O0").output());
        callsWork(host, 5);
    }

    @Test
    void deadDebugSpillsAreDropped() {
        // As in dev.wasm: the marked parameter and a get result stored for the debugger, never loaded.
        String withParameterSpill = """
                  (func (export "g") (param $ref i32) (result i32) (local $fp i32) (local $slot i32) (local $n i32)
                """ + PROLOGUE + """
                    local.get $fp
                    local.get $ref
                    i32.store offset=12
                    local.get $ref
                    call $insert
                    local.set $slot
                    local.get $fp
                    local.get $slot
                    i32.store offset=4
                    local.get $slot
                    call $spill_dead
                    local.set $n
                    local.get $fp
                    i32.load offset=4
                    call $drop
                """ + EPILOGUE + """
                    local.get $n)
                """;
        String body = """
                    local.get $slot
                    call $get
                    local.tee $r
                    call $host_len
                    local.set $n
                    local.get $fp
                    local.get $r
                    i32.store offset=8
                    local.get $fp
                    local.get $n
                    i32.store offset=12
                """;
        byte[] input = FlowKit.module(wrapper("$spill_dead", body) + withParameterSpill, FlowKit.records().export("g", 2, 0));
        FlowKit.Host host = new FlowKit.Host(outputs.process(FlowKit.PROCESSOR, input, "dead spills").output());
        Object hello = FlowKit.text("hello");
        assertEquals(5, host.call("g", host.refs.ref(hello)));
        assertEquals(List.of(hello), host.drops, "the slot index went through memory and was dropped");
        host.assertClean();
        assertEquals(5, memoryWord(host, FRAME - 16 + 12), "the integer spill still happens");
        assertEquals(0, memoryWord(host, FRAME - 16 + 8), "the dead reference spill does not");
        assertEquals(0, memoryWord(host, FRAME + 12), "nor the spill of the marked parameter");
    }

    @Test
    void aSpillInALoopReloadedOnTheNextIteration() {
        FlowKit.Host host = run("loop spill", "$loop_spill", """
                    local.get $fp
                    i32.const -1
                    call $get
                    i32.store offset=8
                    i32.const 3
                    local.set $r
                    loop $again
                      local.get $fp
                      i32.load offset=8
                      call $host_len
                      local.get $n
                      i32.add
                      local.set $n
                      local.get $fp
                      local.get $slot
                      call $get
                      i32.store offset=8
                      local.get $r
                      i32.const 1
                      i32.sub
                      local.tee $r
                      br_if $again
                    end
                """);
        callsWork(host, 0 + 5 + 5);
    }

    @Test
    void anAddressEscapingAboveTheSpillSlotLeavesTheSlotALocal() {
        // A callee given a pointer into the frame writes at and above it, not below.
        FlowKit.Host host = run("escape above", "$escape_above", """
                    local.get $fp
                    local.get $slot
                    call $get
                    i32.store offset=4
                    local.get $fp
                    i32.const 8
                    i32.add
                    call $log
                    local.get $fp
                    i32.load offset=4
                    call $host_len
                    local.set $n
                """);
        callsWork(host, 5);
        assertEquals(List.of(FRAME + 8), host.logs);
    }

    @Test
    void aRecursiveWrapperKeepsOneSpillPerActivation() {
        String wrapper = """
                  (func $rec (param $slot i32) (param $depth i32) (result i32) (local $fp i32) (local $n i32)
                """ + PROLOGUE + """
                    call $guard
                    local.get $fp
                    local.get $slot
                    call $get
                    i32.store offset=8
                    local.get $depth
                    if
                      local.get $depth
                      i32.const 1
                      i32.sub
                      call $make
                      local.tee $n
                      local.get $depth
                      i32.const 1
                      i32.sub
                      call $rec
                      local.get $n
                      call $drop
                      local.set $n
                    end
                    local.get $fp
                    i32.load offset=8
                    call $host_len
                    i32.const 10
                    i32.mul
                    local.get $n
                    i32.add
                    local.set $n
                """ + EPILOGUE + """
                    local.get $n)
                  (func (export "f") (param $ref i32) (result i32) (local $slot i32) (local $n i32)
                    local.get $ref
                    call $insert
                    local.tee $slot
                    i32.const 3
                    call $rec
                    local.set $n
                    local.get $slot
                    call $drop
                    local.get $n)
                """;
        byte[] input = FlowKit.module(wrapper, FlowKit.records().export("f", 2, 0));
        FlowKit.Host host = new FlowKit.Host(outputs.process(FlowKit.PROCESSOR, input, "recursion").output());
        Object hello = FlowKit.text("hello");
        // depth 3: 10 * 5, with rec(make(2), 2) = 10 * 2 + rec(make(1), 1) = 10 * 1 + rec(make(0), 0) = 0
        assertEquals(50 + 20 + 10, host.call("f", host.refs.ref(hello)));
        assertEquals(4, host.drops.size());
        assertSame(hello, host.drops.get(3));
        host.assertClean();
        assertEquals(1024, host.instance.global(0).getValue());
    }

    // ---------------------------------------------------------------- refused

    private static byte[] module(String body) {
        return FlowKit.module(wrapper("$w", body) + export("f", "$w"), FlowKit.records().export("f", 2, 0));
    }

    /** The wrapper $w is function FIRST. */
    private static final int W = FlowKit.FIRST;

    @Test
    void theSlotAddressEscapingBeforeTheLoadIsNamed() {
        byte[] input = module("""
                    local.get $fp
                    local.get $slot
                    call $get
                    i32.store offset=8
                    local.get $fp
                    i32.const 8
                    i32.add
                    call $log
                    local.get $fp
                    i32.load offset=8
                    call $host_len
                    local.set $n
                """);
        ProcessingException e = FlowKit.refused(input);
        FlowKit.assertRefusal(e, Kind.UNSUPPORTED_REFERENCE_FLOW, "function " + W,
                FlowKit.offset(input, W, 0x28, -1), "spilled to the shadow stack", "escaped");
    }

    @Test
    void aReferenceStoredToAComputedAddressEscapes() {
        for (String address : List.of("local.get $slot i32.const 4 i32.mul", "i32.const 64", "local.get $fp i32.load")) {
            byte[] input = module("""
                        %s
                        local.get $slot
                        call $get
                        i32.store
                        i32.const 0
                        local.set $n
                    """.formatted(address));
            ProcessingException e = FlowKit.refused(input);
            FlowKit.assertRefusal(e, Kind.UNSUPPORTED_REFERENCE_FLOW, "function " + W,
                    FlowKit.offset(input, W, 0x36, -1), "escapes");
        }
    }

    @Test
    void aNarrowStoreOverASpilledReferenceMakesTheReloadAnInteger() {
        for (String overwrite : List.of("local.get $fp i32.const 0 i32.store8 offset=9",
                "local.get $fp i64.const 0 i64.store offset=4", "local.get $fp i32.const 0 i32.store16 offset=10")) {
            byte[] input = module("""
                        local.get $fp
                        local.get $slot
                        call $get
                        i32.store offset=8
                        %s
                        local.get $fp
                        i32.load offset=8
                        call $host_len
                        local.set $n
                    """.formatted(overwrite));
            ProcessingException e = FlowKit.refused(input);
            FlowKit.assertRefusal(e, Kind.UNSUPPORTED_REFERENCE_FLOW, "function " + W,
                    FlowKit.offset(input, W, CALL, 2), "parameter 0 of import 'host.len'", "integer");
        }
    }

    @Test
    void readingPartOfASpilledReferenceIsRefused() {
        for (String read : List.of("i32.load8_u offset=8", "i32.load16_u offset=10", "i64.load offset=8",
                "i32.load offset=6")) {
            byte[] input = module("""
                        local.get $fp
                        local.get $slot
                        call $get
                        i32.store offset=8
                        local.get $fp
                        %s
                        drop
                        i32.const 0
                        local.set $n
                    """.formatted(read));
            ProcessingException e = FlowKit.refused(input);
            FlowKit.assertRefusal(e, Kind.UNSUPPORTED_REFERENCE_FLOW, "function " + W,
                    FlowKit.offset(input, W, opcode(read), -1, -1), "spilled", "integer");
        }
    }

    @Test
    void aSlotHoldingAReferenceOnOnePathAndAnIntegerOnTheOtherIsNamedAtTheLoad() {
        byte[] input = module("""
                    local.get $fp
                    local.get $slot
                    i32.store offset=8
                    local.get $slot
                    i32.const 1
                    i32.and
                    if
                      local.get $fp
                      local.get $slot
                      call $get
                      i32.store offset=8
                    end
                    local.get $fp
                    i32.load offset=8
                    call $host_len
                    local.set $n
                """);
        ProcessingException e = FlowKit.refused(input);
        FlowKit.assertRefusal(e, Kind.UNSUPPORTED_REFERENCE_FLOW, "function " + W,
                FlowKit.offset(input, W, 0x28, -1), "shadow-stack slot", "host reference on some paths");
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 24})
    void aSecondStackPointerDecrementShiftsTheFrame(int innerOffset) {
        // What an inliner leaves: a second frame below the first inside one function. The outer
        // frame is 1008..1024, the inner one 992..1008: the inner offset 8 (1000) is another
        // address than the outer offset 8 (1016); the inner offset 24 is the same address.
        String body = """
                    local.get $fp
                    i32.const 9
                    call $host_make
                    i32.store offset=8
                    global.get $sp
                    i32.const 16
                    i32.sub
                    local.tee $r
                    global.set $sp
                    local.get $r
                    i32.const 2
                    call $host_make
                    i32.store offset=%d
                    local.get $r
                    i32.load offset=%d
                    call $host_len
                    local.get $fp
                    i32.load offset=8
                    call $host_len
                    i32.const 100
                    i32.mul
                    i32.add
                    local.set $n
                    local.get $r
                    i32.const 16
                    i32.add
                    global.set $sp
                """.formatted(innerOffset, innerOffset);
        FlowKit.Host host = run("nested frame " + innerOffset, "$nested", body);
        Object hello = FlowKit.text("hello");
        int outer = innerOffset == 24 ? 2 : 9; // what the outer slot holds when it is read
        assertEquals(2 + 100 * outer, host.call("f", host.refs.ref(hello)));
        assertEquals(1024, host.instance.global(0).getValue());
    }

    private static int opcode(String load) {
        return switch (load.split(" ")[0]) {
            case "i32.load" -> 0x28;
            case "i64.load" -> 0x29;
            case "i32.load8_u" -> 0x2D;
            case "i32.load16_u" -> 0x2F;
            default -> throw new IllegalArgumentException(load);
        };
    }
}
