package dev.externref.engine.format;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Tells, without decoding, whether a function body can refer to any of a set of functions. An
 * instruction refers to a function only through {@code call} (0x10), {@code return_call} (0x12)
 * or {@code ref.func} (0xD2) followed by the function's index as a LEB128, so every such
 * reference is one of those bytes followed by a LEB128 of a watched index. The scan looks at
 * every byte, instruction or immediate alike, and answers true at the first such pair: it can
 * answer true for a body that has none (a 0x10 that is an immediate), never false for a body
 * that has one. A body it clears needs no renumbering and no look at its references, so the
 * writer copies it without decoding it: a few operations per byte instead of a decoder's work
 * per instruction.
 */
public final class FunctionIndexScan {
    private static final long ONES = 0x0101010101010101L;
    private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;

    private final long[] watched;
    /** Per byte value: whether a watched index's LEB128 can start with it (any width: padded ones too). */
    private final boolean[] firstByte = new boolean[256];
    private final boolean wide;

    /** A scan for the functions whose bits are set in {@code watched} (bit {@code f % 64} of word {@code f / 64}). */
    public FunctionIndexScan(long[] watched) {
        this(watched, false);
    }

    /**
     * {@code wide}: eight bytes at a time, about twice as fast on large modules; its first use
     * in a JVM sets up a byte-array view (about 10 ms), so the writer asks for it only where
     * that pays (see {@link ModuleWriter}).
     */
    FunctionIndexScan(long[] watched, boolean wide) {
        this.watched = watched;
        this.wide = wide;
        for (int word = 0; word < watched.length; word++) {
            for (long bits = watched[word]; bits != 0; bits &= bits - 1) {
                int f = word << 6 | Long.numberOfTrailingZeros(bits);
                firstByte[f & 0x7F | 0x80] = true; // a LEB128 that continues: every index can be written so
                if (f < 0x80) {
                    firstByte[f] = true;
                }
            }
        }
    }

    /** Whether {@code [from, to)} of {@code b} may refer to a watched function. */
    public boolean mayReferTo(byte[] b, int from, int to) {
        int p = from;
        if (wide) {
            for (; p + 8 < to; p += 8) { // "<": the byte after the word is the last candidate's LEB128
                long w = (long) Words.LONG_LE.get(b, p);
                // A set high bit for each byte that is 0x10 or 0x12 (they differ in one bit) or 0xD2.
                for (long m = zeros(w & ~(0x02 * ONES) ^ 0x10 * ONES) | zeros(w ^ 0xD2 * ONES); m != 0; m &= m - 1) {
                    int q = p + (Long.numberOfTrailingZeros(m) >>> 3) + 1;
                    if (firstByte[b[q] & 0xFF] && watchedAt(b, q, to)) {
                        return true;
                    }
                }
            }
        }
        for (; p + 1 < to; p++) {
            int c = b[p];
            if (((c & ~0x02) == 0x10 || c == (byte) 0xD2) && firstByte[b[p + 1] & 0xFF] && watchedAt(b, p + 1, to)) {
                return true;
            }
        }
        return false;
    }

    /** The high bit of each zero byte of {@code y}, exactly (no borrow into the next byte). */
    private static long zeros(long y) {
        return ~((y & LOW7) + LOW7 | y | LOW7);
    }

    /**
     * Whether the LEB128 at {@code p} is a watched index; true when it is cut off or too long
     * after a first byte a watched index may have (the decoder will say what is wrong).
     */
    private boolean watchedAt(byte[] b, int p, int to) {
        long value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (p >= to) {
                return true;
            }
            int c = b[p++];
            value |= (long) (c & 0x7F) << shift;
            if (c >= 0) {
                return value < (long) watched.length << 6 && (watched[(int) (value >>> 6)] & 1L << value) != 0;
            }
        }
        return true;
    }

    /** Little-endian 8-byte loads; in a class of its own, so that the view is made on first use. */
    private static final class Words {
        static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    }
}
