package dev.externref.engine.analysis;

import dev.externref.engine.error.ProcessingException;
import dev.externref.engine.error.ProcessingException.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static dev.externref.engine.format.Opcodes.BR_IF;
import static dev.externref.engine.format.Opcodes.CALL;
import static dev.externref.engine.format.Opcodes.CALL_INDIRECT_OP;
import static dev.externref.engine.format.Opcodes.END;
import static dev.externref.engine.format.Opcodes.GLOBAL_SET;
import static dev.externref.engine.format.Opcodes.RETURN;

/**
 * A reference may only reach places that take references after processing: parameters of the
 * insert glue, of described imports and exports, described results, externref locals and
 * spill slots. Anything else (an internal function, arithmetic, a global, an unmarked result,
 * an address, a condition, an indirect call) is refused with the function, the offset of the
 * instruction where the reference arrives, and what arrives there. So is an integer where a
 * reference is expected.
 */
class EscapeTest {
    /** One refused shape: the function, where the error must point, and what it must say. */
    record Case(String name, String function, int opcode, int index, int occurrence, Kind kind, String named,
            String... says) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final String GUARDED = "(func (export \"w\") (param $slot i32) (result i32) (local $r i32)\n"
            + "  call $guard\n";

    static Stream<Case> cases() {
        Kind flow = Kind.UNSUPPORTED_REFERENCE_FLOW;
        return Stream.of(
                new Case("passed to an internal function", GUARDED + "local.get $slot call $get call $len)",
                        CALL, 10, 0, flow, "export 'w'", "host reference reaches parameter 0 of function 10",
                        "takes an integer"),
                new Case("passed to an internal function after other arguments",
                        "(func $two (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)\n"
                                + GUARDED + "local.get $slot call $get i32.const 1 call $two)",
                        CALL, FlowKit.FIRST, 0, flow, "export 'w'", "parameter 0 of function " + FlowKit.FIRST),
                new Case("used by arithmetic", GUARDED + "local.get $slot call $get local.tee $r i32.const 1 i32.add)",
                        0x6A, -1, 0, flow, "export 'w'", "host reference is used as an integer"),
                new Case("compared with an integer", GUARDED + "local.get $slot call $get i32.const -1 i32.eq)",
                        0x46, -1, 0, flow, "export 'w'", "host reference is used as an integer"),
                new Case("as a branch condition",
                        GUARDED + "block local.get $slot call $get br_if 0 end i32.const 0)",
                        BR_IF, -1, 0, flow, "export 'w'", "host reference is used as an integer by br_if"),
                new Case("as a memory address", GUARDED + "local.get $slot call $get i32.load)",
                        0x28, -1, 0, flow, "export 'w'", "host reference is used as a memory address"),
                new Case("stored in a global",
                        "(global $keep (mut i32) (i32.const 0))\n" + GUARDED
                                + "local.get $slot call $get global.set $keep i32.const 0)",
                        GLOBAL_SET, -1, 0, flow, "export 'w'", "host reference is stored in global 1"),
                new Case("returned from an unmarked result at the end", GUARDED + "local.get $slot call $get)",
                        END, -1, -1, flow, "export 'w'", "host reference reaches result 0 of this function",
                        "takes an integer"),
                new Case("returned from an unmarked result by return",
                        GUARDED + "local.get $slot call $get return)",
                        RETURN, -1, 0, flow, "export 'w'", "host reference reaches result 0 of this function"),
                new Case("passed to call_indirect",
                        "(table 1 funcref)\n(type $t (func (param i32) (result i32)))\n" + GUARDED
                                + "local.get $slot call $get i32.const 0 call_indirect (type $t))",
                        CALL_INDIRECT_OP, -1, 0, flow, "export 'w'", "host reference is used as an integer by call_indirect"),
                new Case("passed to externref.drop, which takes a slot index",
                        GUARDED + "local.get $slot call $get call $drop i32.const 0)",
                        CALL, 6, 0, flow, "export 'w'", "host reference reaches parameter 0 of import 'externref.drop'"),
                new Case("an integer where a described import takes a reference",
                        GUARDED + "local.get $slot call $host_len)",
                        CALL, 2, 0, flow, "export 'w'", "parameter 0 of import 'host.len'",
                        "must be a host reference, but an integer reaches it"),
                new Case("an integer returned from a marked result",
                        "(func (export \"m\") (param $n i32) (result i32) local.get $n call $make)",
                        END, -1, -1, flow, "export 'm'", "result 0 of this function must be a host reference"),
                new Case("a marked export parameter used as a number",
                        "(func (export \"m\") (param $n i32) (result i32) local.get $n i32.const 1 i32.add call $make call $get)",
                        0x6A, -1, 0, flow, "export 'm'", "host reference is used as an integer"),
                new Case("a reference kept by an unguarded, undescribed function and used as a number",
                        "(func $helper (export \"w\") (param $n i32) (result i32)"
                                + " local.get $n call $host_make i32.const 1 i32.add)",
                        0x6A, -1, 0, Kind.UNEXPECTED_REFERENCE_CALL, "export 'w'", "host reference is used as an integer",
                        "unexpected call to an externref-returning function"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void isRefusedWithFunctionOffsetAndValue(Case c) {
        // Export m is described: its parameter is the reference in the parameter case, else its result.
        int marked = c.name().contains("parameter") ? 0 : 1;
        byte[] input = c.function().contains("export \"m\"")
                ? FlowKit.module(c.function(), FlowKit.records().export("m", 2, marked))
                : FlowKit.module(c.function());
        int function = FlowKit.FIRST + (c.function().startsWith("(func $two") ? 1 : 0);
        ProcessingException e = FlowKit.refused(input);
        FlowKit.assertRefusal(e, c.kind(), c.named(), FlowKit.offset(input, function, c.opcode(), c.index(), c.occurrence()),
                c.says());
    }

    @Test
    void theUnmarkedResultOfAnExportTakesNoReferenceEvenWhenAParameterIsMarked() {
        byte[] input = FlowKit.module("(func (export \"echo\") (param $r i32) (result i32) local.get $r)",
                FlowKit.records().export("echo", 2, 0));
        ProcessingException e = FlowKit.refused(input);
        FlowKit.assertRefusal(e, Kind.UNSUPPORTED_REFERENCE_FLOW, "export 'echo'",
                FlowKit.offset(input, FlowKit.FIRST, END, -1, -1), "result 0 of this function");
    }
}
