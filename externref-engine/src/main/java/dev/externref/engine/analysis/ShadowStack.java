package dev.externref.engine.analysis;

import dev.externref.engine.format.InstructionReader;
import dev.externref.engine.format.Opcodes;

import java.util.HashMap;
import java.util.Map;

import static dev.externref.engine.analysis.RefValue.CONFLICT;
import static dev.externref.engine.analysis.RefValue.INT;
import static dev.externref.engine.analysis.RefValue.REF;
import static dev.externref.engine.analysis.RefValue.SYM;
import static dev.externref.engine.analysis.RefValue.high;
import static dev.externref.engine.analysis.RefValue.kind;
import static dev.externref.engine.analysis.RefValue.symGlobal;

/**
 * The memory model of the analysis: the frame slots of the shadow stack. Compilers spill
 * values to a frame in linear memory addressed from a global (the stack pointer) plus an
 * offset; a reference spilled there and loaded back from the same slot can live in a local
 * instead. A slot is keyed by its global and its byte offset from the global's value at entry
 * ({@link #slotKey}); what each slot holds is in the {@link AbstractState}.
 *
 * <p>That is sound only while no other code can reach the slot: once a frame address escapes
 * (stored, passed to a call, computed with, or merged with another address), other code may
 * write the slots above it. The escapes are kept across passes, for the whole function: the
 * lowest escaped offset of each global.
 */
final class ShadowStack {
    private final Map<Integer, Long> escapedFrom = new HashMap<>();
    private boolean escapedMore;

    /** Records that {@code v}, if it is a frame address, has escaped. */
    void escapeIfSym(long v) {
        if (kind(v) == SYM) {
            int g = symGlobal(v);
            long c = high(v);
            Long before = escapedFrom.get(g);
            if (before == null || c < before) {
                escapedFrom.put(g, c);
                escapedMore = true;
            }
        }
    }

    /** Whether an address escaped further since the last call: what the pass concluded may change. */
    boolean takeEscapedMore() {
        boolean more = escapedMore;
        escapedMore = false;
        return more;
    }

    /** The value of {@code i32.add} ({@code add}) or {@code i32.sub} of two values, if it is an address or a constant; else -1. */
    static long addOrSub(long a, long b, boolean add) {
        if (kind(a) == SYM && kind(b) == RefValue.CONST) {
            return RefValue.sym(symGlobal(a), add ? high(a) + high(b) : high(a) - high(b));
        } else if (add && kind(a) == RefValue.CONST && kind(b) == SYM) {
            return RefValue.sym(symGlobal(b), high(a) + high(b));
        } else if (kind(a) == RefValue.CONST && kind(b) == RefValue.CONST) {
            return RefValue.constant(add ? high(a) + high(b) : high(a) - high(b));
        }
        return -1;
    }

    /** Bytes a load or store of {@code op} accesses. */
    static int width(int op) {
        return switch (op) {
            case 0x29, 0x2B, 0x37, 0x39 -> 8;
            case 0x2C, 0x2D, 0x30, 0x31, 0x3A, 0x3C -> 1;
            case 0x2E, 0x2F, 0x32, 0x33, 0x3B, 0x3D -> 2;
            default -> 4;
        };
    }

    /** Slot key: the global (below 2^16) and the byte offset from its value, ordered by offset. */
    static long slotKey(int global, long offset) {
        return ((long) global << 32) | ((offset + (1L << 31)) & 0xFFFF_FFFFL);
    }

    /** Whether {@code addr} (with the memarg of the current instruction) addresses a frame slot this model can track. */
    private static boolean frameSlot(long addr, InstructionReader in) {
        if (kind(addr) != SYM || in.index() != 0 || symGlobal(addr) >= (1 << 16)) {
            return false;
        }
        long at = high(addr) + in.constant();
        return in.constant() >= 0 && at > Integer.MIN_VALUE / 2 && at < Integer.MAX_VALUE / 2;
    }

    /** The value a load of {@code op} from {@code addr} (the current instruction of {@code in}) gives. */
    long load(int op, long addr, AbstractState state, InstructionReader in, DecisionLog log) {
        long offset = in.constant();
        boolean frame = frameSlot(addr, in);
        if (!frame) {
            if (kind(addr) == REF || kind(addr) == CONFLICT) {
                log.error(state, in, "a host reference is used as a memory address");
            }
            escapeIfSym(addr);
            return INT;
        }
        long at = high(addr) + offset;
        int g = symGlobal(addr);
        // A load that is not an i32.load of exactly a spilled reference reads (part of) it as a number.
        long exact = slotKey(g, at);
        for (Map.Entry<Long, Long> e : state.slots().subMap(slotKey(g, at - 3), true, slotKey(g, at + width(op) - 1), true)
                .entrySet()) {
            if ((e.getValue() == REF || e.getValue() == CONFLICT) && (op != 0x28 || e.getKey() != exact)) {
                long spilled = (e.getKey() & 0xFFFF_FFFFL) - (1L << 31);
                log.error(state, in, "a host reference spilled to the shadow stack at offset " + spilled
                        + " is read as an integer by a " + width(op) + "-byte load at offset " + at);
                return INT;
            }
        }
        Long slot = state.slots().get(exact);
        Long escaped = escapedFrom.get(g);
        boolean safe = escaped == null || at + 4 <= escaped;
        if (op == 0x28 && slot != null && slot == REF) {
            if (!safe) {
                log.error(state, in, "a host reference spilled to the shadow stack at offset " + at + " is loaded back"
                        + " after the slot's address escaped (the slot may have been written by other code)");
            }
            log.decide(state, in, DecisionLog.SPILL_LOAD | slotKey(g, at) << 8);
            return REF;
        } else if (slot != null && slot == CONFLICT) {
            log.error(state, in, "a shadow-stack slot at offset " + at
                    + " holds a host reference on some paths and an integer on others");
            return INT;
        }
        return INT;
    }

    /** A store of {@code op} of {@code value} to {@code addr} (the current instruction of {@code in}). */
    void store(int op, long addr, long value, AbstractState state, InstructionReader in, DecisionLog log) {
        long offset = in.constant();
        boolean frame = frameSlot(addr, in);
        long k = kind(value);
        if (!frame) {
            if (k == REF || k == CONFLICT) {
                log.error(state, in, "a host reference is stored to linear memory at a computed address: it escapes"
                        + " the function (references can only live in locals and tables)");
            }
            if (kind(addr) == REF || kind(addr) == CONFLICT) {
                log.error(state, in, "a host reference is used as a memory address");
            }
            escapeIfSym(addr);
            escapeIfSym(value);
            return;
        }
        long at = high(addr) + offset;
        int g = symGlobal(addr);
        int w = width(op);
        // Anything this store overlaps now holds an integer (or, for a reference spill, the
        // reference). Slots hold only references and conflicts: a slot that is not there holds
        // an integer (or memory this function never wrote), so integer stores add nothing and
        // states stay small however many integer slots a frame has.
        long lo = slotKey(g, at - 3);
        long hi = slotKey(g, at + w - 1);
        if (lo <= hi && !state.slots().isEmpty()) {
            state.writableSlots().subMap(lo, true, hi, true).clear();
        }
        if (k == CONFLICT) {
            log.error(state, in, "a value that is a host reference on some paths and an integer on others is stored"
                    + " to the shadow stack");
        } else if (k == REF) {
            if (op != 0x36) {
                log.error(state, in, "a host reference is stored with " + Opcodes.describe(op));
            }
            log.decide(state, in, DecisionLog.SPILL_STORE | slotKey(g, at) << 8);
            if (state.reachable) {
                state.writableSlots().put(slotKey(g, at), REF);
            }
        } else {
            escapeIfSym(value);
        }
    }
}
