package dev.externref.engine.format;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stack-effect column of {@link Opcodes}: the reference analysis interprets every
 * instruction it does not model by that column, and rejects an instruction without one. So
 * every known numeric, bulk-memory, SIMD and atomic opcode needs an effect, control flow and
 * GC (whose arities come from types) must have none, and unknown opcodes have none.
 */
class StackEffectTest {
    private static String effect(int code) {
        int e = Opcodes.stackEffect(code);
        return e == Opcodes.NO_STACK_EFFECT ? "none" : Opcodes.pops(e) + "->" + Opcodes.pushes(e);
    }

    @Test
    void representativeRows() {
        assertEquals("1->1", effect(0x45));                          // i32.eqz
        assertEquals("2->1", effect(0x6A));                          // i32.add
        assertEquals("1->1", effect(0xC4));                          // i64.extend32_s
        assertEquals("2->0", effect(0x36));                          // i32.store
        assertEquals("0->1", effect(0x3F));                          // memory.size
        assertEquals("4->2", effect(Opcodes.prefixed(0xFC, 19)));    // i64.add128
        assertEquals("3->0", effect(Opcodes.prefixed(0xFC, 11)));    // memory.fill
        assertEquals("3->1", effect(Opcodes.prefixed(0xFD, 0x52)));  // v128.bitselect
        assertEquals("2->0", effect(Opcodes.prefixed(0xFD, 0x58)));  // v128.store8_lane
        assertEquals("2->1", effect(Opcodes.prefixed(0xFD, 0x17)));  // i8x16.replace_lane
        assertEquals("3->1", effect(Opcodes.prefixed(0xFE, 0x48)));  // i32.atomic.rmw.cmpxchg
    }

    @Test
    void controlFlowAndGcHaveNone() {
        for (int op : new int[] {Opcodes.UNREACHABLE, Opcodes.BLOCK_OP, Opcodes.LOOP, Opcodes.IF, Opcodes.ELSE,
                Opcodes.END, Opcodes.BR, Opcodes.BR_IF, Opcodes.BR_TABLE_OP, Opcodes.RETURN, Opcodes.CALL,
                Opcodes.CALL_INDIRECT_OP, Opcodes.RETURN_CALL, Opcodes.CALL_REF, Opcodes.THROW, Opcodes.TRY_TABLE_OP,
                Opcodes.BR_ON_NULL}) {
            assertEquals("none", effect(op), Opcodes.describe(op));
        }
        for (int sub = 0; sub < Opcodes.GC.length; sub++) {
            assertEquals("none", effect(Opcodes.prefixed(0xFB, sub)), Opcodes.describe(Opcodes.prefixed(0xFB, sub)));
        }
    }

    @Test
    void everyKnownNumericMemoryAndVectorOpcodeHasOne() {
        for (int op = 0x28; op <= 0xC4; op++) {
            assertTrue(Opcodes.stackEffect(op) >= 0, Opcodes.describe(op));
        }
        int[] prefixes = {0xFC, 0xFD, 0xFE};
        for (int prefix : prefixes) {
            byte[] layouts = Opcodes.table(prefix);
            for (int sub = 0; sub < layouts.length; sub++) {
                int code = Opcodes.prefixed(prefix, sub);
                boolean known = layouts[sub] != Opcodes.UNKNOWN;
                assertEquals(known, Opcodes.stackEffect(code) >= 0, Opcodes.describe(code));
            }
        }
        assertEquals("none", effect(Opcodes.prefixed(0xFD, 0x9A)));  // a gap of the SIMD proposal
        assertEquals("none", effect(0xFF));
    }
}
