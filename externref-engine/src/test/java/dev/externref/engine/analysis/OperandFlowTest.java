package dev.externref.engine.analysis;

import dev.externref.engine.error.ProcessingException;
import dev.externref.engine.error.ProcessingException.Kind;
import dev.externref.engine.ProcessingResult;
import dev.externref.engine.transform.testkit.ValidatedOutputs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static dev.externref.engine.format.Opcodes.BLOCK_OP;
import static dev.externref.engine.format.Opcodes.IF;
import static dev.externref.engine.format.Opcodes.LOOP;
import static dev.externref.engine.format.Opcodes.SELECT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * References on the operand stack between their source and their sink: through {@code select},
 * as the results of {@code block}, {@code if} and {@code loop}, carried by branches, and in
 * code that never runs. A value that is a reference on one path and an integer on another
 * cannot be given one type; it is refused where it is formed.
 */
class OperandFlowTest {
    @RegisterExtension
    static final ValidatedOutputs outputs = new ValidatedOutputs();

    private static FlowKit.Host run(String label, String extra) {
        return run(label, FlowKit.module(extra));
    }

    private static FlowKit.Host run(String label, byte[] input) {
        ProcessingResult r = outputs.process(FlowKit.PROCESSOR, input, label);
        return new FlowKit.Host(r.output());
    }

    @Test
    void selectOfTwoReferences() {
        FlowKit.Host host = run("select", """
                  (func (export "sel") (param $c i32) (result i32)
                    call $guard
                    i32.const 2
                    call $host_make
                    i32.const 5
                    call $host_make
                    local.get $c
                    select
                    call $host_len)
                  (func (export "sel_typed") (param $c i32) (result i32)
                    call $guard
                    i32.const 3
                    call $host_make
                    i32.const 7
                    call $host_make
                    local.get $c
                    select (result i32)
                    call $host_len)
                """);
        assertEquals(2, host.call("sel", 1));
        assertEquals(5, host.call("sel", 0));
        assertEquals(3, host.call("sel_typed", 9));
        assertEquals(7, host.call("sel_typed", 0));
        host.assertClean();
    }

    @Test
    void selectOfAReferenceAndAnIntegerIsRefusedAtTheSelect() {
        for (String use : List.of("call $host_len", "drop i32.const 0")) {
            byte[] input = FlowKit.module("""
                      (func (export "sel_mixed") (param $c i32) (result i32)
                        call $guard
                        i32.const 2
                        call $host_make
                        i32.const 5
                        local.get $c
                        select
                    """ + use + ")");
            ProcessingException e = FlowKit.refused(input);
            FlowKit.assertRefusal(e, Kind.UNSUPPORTED_REFERENCE_FLOW, "export 'sel_mixed'",
                    FlowKit.offset(input, FlowKit.FIRST, SELECT, -1), "select", "host reference", "integer");
        }
    }

    @Test
    void blockIfAndLoopResultsCarryReferences() {
        FlowKit.Host host = run("block results", """
                  (func (export "block_result") (param $n i32) (result i32)
                    call $guard
                    block (result i32)
                      local.get $n
                      call $host_make
                    end
                    call $host_len)
                  (func (export "if_result") (param $c i32) (result i32)
                    call $guard
                    local.get $c
                    if (result i32)
                      i32.const 2
                      call $host_make
                    else
                      i32.const 6
                      call $host_make
                    end
                    call $host_len)
                  (func (export "loop_result") (param $n i32) (result i32) (local $i i32)
                    call $guard
                    loop (result i32)
                      local.get $i
                      i32.const 1
                      i32.add
                      local.tee $i
                      call $host_make
                      local.get $i
                      local.get $n
                      i32.lt_u
                      br_if 0
                    end
                    call $host_len)
                  (func (export "br_if_result") (param $c i32) (result i32)
                    call $guard
                    block (result i32)
                      i32.const 3
                      call $host_make
                      local.get $c
                      br_if 0
                      drop
                      i32.const 4
                      call $host_make
                    end
                    call $host_len)
                  (func (export "br_table_result") (param $k i32) (result i32)
                    call $guard
                    block (result i32)
                      block (result i32)
                        i32.const 8
                        call $host_make
                        local.get $k
                        br_table 0 1
                      end
                      call $host_len
                      i32.const 100
                      i32.add
                      return
                    end
                    call $host_len)
                """);
        assertEquals(4, host.call("block_result", 4));
        assertEquals(2, host.call("if_result", 1));
        assertEquals(6, host.call("if_result", 0));
        assertEquals(5, host.call("loop_result", 5));
        assertEquals(3, host.call("br_if_result", 1));
        assertEquals(4, host.call("br_if_result", 0));
        assertEquals(108, host.call("br_table_result", 0));
        assertEquals(8, host.call("br_table_result", 1));
        host.assertClean();
    }

    @Test
    void anExportReturningAReferenceFromAnIfAtTheEndOfItsBody() {
        // LLVM gives a block that ends the function the function's result type.
        byte[] input = FlowKit.module("""
                  (func (export "maybe") (param $n i32) (result i32) (local $slot i32)
                    local.get $n
                    if (result i32)
                      local.get $n
                      call $make
                      local.tee $slot
                      call $get
                      local.get $slot
                      call $drop
                    else
                      i32.const -1
                      call $get
                    end)
                """, FlowKit.records().export("maybe", 2, 1));
        FlowKit.Host host = run("maybe", input);
        Object made = host.object(host.call("maybe", 3));
        assertEquals("xxx", made.toString());
        assertNull(host.object(host.call("maybe", 0)));
        assertEquals(List.of(made), host.drops);
        host.assertClean();
    }

    @Test
    void aBlockResultThatIsAReferenceOnOnePathAndAnIntegerOnAnotherIsRefused() {
        byte[] input = FlowKit.module("""
                  (func (export "mixed_if") (param $c i32) (result i32)
                    call $guard
                    local.get $c
                    if (result i32)
                      i32.const 2
                      call $host_make
                    else
                      i32.const 6
                    end
                    drop
                    i32.const 0)
                """);
        ProcessingException e = FlowKit.refused(input);
        FlowKit.assertRefusal(e, Kind.UNSUPPORTED_REFERENCE_FLOW, "export 'mixed_if'",
                FlowKit.offset(input, FlowKit.FIRST, IF, -1), "result 0", "host reference", "integer");
    }

    @Test
    void aReferenceInAMultiValueBlockIsRefusedOrWorks() {
        // (i32 i32) -> (i32 i32) blocks need a type index; their references would need a new type.
        byte[] input = FlowKit.module("""
                  (type $two (func (result i32 i32)))
                  (func (export "multi") (param $n i32) (result i32)
                    call $guard
                    block (type $two)
                      local.get $n
                      call $host_make
                      local.get $n
                      i32.const 10
                      i32.mul
                    end
                    local.set $n
                    call $host_len
                    local.get $n
                    i32.add)
                """);
        try {
            FlowKit.Host host = run("multi-value block", input);
            assertEquals(33, host.call("multi", 3));
        } catch (ProcessingException e) {
            FlowKit.assertRefusal(e, Kind.UNSUPPORTED_REFERENCE_FLOW, "export 'multi'",
                    FlowKit.offset(input, FlowKit.FIRST, BLOCK_OP, -1), "block");
        }
    }

    @Test
    void aReferenceAsALoopParameterIsRefusedOrWorks() {
        byte[] input = FlowKit.module("""
                  (type $carry (func (param i32) (result i32)))
                  (func (export "carry") (param $n i32) (result i32)
                    call $guard
                    local.get $n
                    call $host_make
                    loop (type $carry)
                      local.get $n
                      i32.const 1
                      i32.sub
                      local.tee $n
                      br_if 0
                    end
                    call $host_len)
                """);
        try {
            FlowKit.Host host = run("loop parameter", input);
            assertEquals(4, host.call("carry", 4));
        } catch (ProcessingException e) {
            FlowKit.assertRefusal(e, Kind.UNSUPPORTED_REFERENCE_FLOW, "export 'carry'",
                    FlowKit.offset(input, FlowKit.FIRST, LOOP, -1), "loop");
        }
    }

    @Test
    void codeThatNeverRunsStaysValid() {
        // After return/br/unreachable the validator still types what follows (nested blocks
        // from their start, and everything after a block that no branch leaves).
        FlowKit.Host host = run("dead code", """
                  (func (export "after_return") (param $n i32) (result i32) (local $r i32)
                    call $guard
                    local.get $n
                    call $host_make
                    local.tee $r
                    call $host_len
                    return
                    local.get $n
                    call $host_make
                    local.set $r
                    block (result i32)
                      local.get $r
                    end
                    call $host_len)
                  (func (export "after_dead_block") (param $n i32) (result i32) (local $r i32)
                    call $guard
                    local.get $n
                    if
                      local.get $n
                      call $host_make
                      local.set $r
                      local.get $r
                      call $host_len
                      return
                    end
                    block
                      local.get $n
                      call $log
                      unreachable
                    end
                    local.get $n
                    call $host_make
                    local.set $r
                    local.get $r
                    call $host_len)
                """);
        assertEquals(3, host.call("after_return", 3));
        assertEquals(4, host.call("after_dead_block", 4));
        host.assertClean();
    }

    @Test
    void anythingInCodeThatNeverRunsIsRemoved() {
        // Dead code may even be unsound, hold a guard call, or nest blocks with results.
        FlowKit.Host host = run("dead code, unsound", """
                  (func (export "dead_arms") (param $c i32) (param $n i32) (result i32) (local $r i32)
                    call $guard
                    local.get $c
                    if (result i32)
                      local.get $n
                      call $host_make
                      local.tee $r
                      call $host_len
                      br 0
                      call $guard
                      local.get $r
                      i32.const 1
                      i32.add
                    else
                      local.get $n
                      return
                      block (result i32)
                        local.get $n
                        call $host_make
                        local.set $r
                        local.get $r
                      end
                      global.set $sp
                      i32.const 0
                    end
                    i32.const 1000
                    i32.add)
                """);
        assertEquals(1003, host.call("dead_arms", 1, 3));
        assertEquals(3, host.call("dead_arms", 0, 3));
        host.assertClean();
    }

    @Test
    void simdInAFunctionThatHandlesReferences() {
        // With +simd128 LLVM vectorizes loops of exports that also take references.
        byte[] input = FlowKit.module("""
                  (func (export "simd") (param $slot i32) (param $n i32) (result i32) (local $fp i32) (local $v v128)
                    global.get $sp
                    i32.const 32
                    i32.sub
                    local.tee $fp
                    global.set $sp
                    call $guard
                    local.get $n
                    i32x4.splat
                    local.set $v
                    local.get $fp
                    local.get $v
                    v128.store offset=16
                    i32.const -1
                    call $get
                    call $host_len
                    local.get $fp
                    i32.load offset=20
                    i32.add
                    local.get $v
                    local.get $v
                    i32x4.add
                    i32x4.extract_lane 3
                    i32.add
                    local.get $fp
                    i32.const 32
                    i32.add
                    global.set $sp)
                """);
        ProcessingResult r = outputs.process(FlowKit.PROCESSOR, input, "simd");
        assertEquals("15", FlowKit.callInNode(r.output(), "simd", 0, 5), "0 + 5 + 10, in V8: Chicory runs no SIMD");
    }

    @Test
    void aReferenceWaitingOnTheStackBelowABlockAndALoop() {
        // Other arguments of the consuming call are computed in between, with control flow.
        FlowKit.Host host = run("waiting", """
                  (func (export "waiting") (param $n i32) (result i32) (local $i i32)
                    call $guard
                    local.get $n
                    call $host_make
                    loop
                      local.get $i
                      i32.const 1
                      i32.add
                      local.tee $i
                      local.get $n
                      i32.lt_u
                      br_if 0
                    end
                    block (result i32)
                      local.get $i
                      local.get $i
                      local.get $n
                      i32.eq
                      br_if 0
                      drop
                      i32.const 7
                    end
                    i32.const 3
                    call $host_make
                    call $host_pick
                    call $host_len)
                """);
        assertEquals(3, host.call("waiting", 4), "pick(a, 1, b) is b");
        assertEquals(4, host.seen.get(0).toString().length());
    }

    @Test
    void aReferenceReturnedThroughTheFunctionsLabel() {
        byte[] input = FlowKit.module("""
                  (func (export "early") (param $n i32) (result i32)
                    i32.const -1
                    call $get
                    local.get $n
                    i32.eqz
                    br_if 0
                    drop
                    local.get $n
                    call $make
                    call $get)
                """, FlowKit.records().export("early", 2, 1));
        FlowKit.Host host = run("early", input);
        assertNull(host.object(host.call("early", 0)));
        Object made = host.object(host.call("early", 2));
        assertEquals("xx", made.toString());
        // The slot of the made reference is never dropped by this export: it stays in the table.
        assertSame(made, host.refs.live(host.table()).get(0));
    }
}
