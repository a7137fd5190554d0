package dev.externref.engine.format;

/**
 * Tells, without decoding, whether a function body can refer to any of a set of functions. An
 * instruction refers to a function only through {@code call} (0x10), {@code return_call} (0x12)
 * or {@code ref.func} (0xD2) followed by the function's index as a LEB128, so every such
 * reference is one of those bytes followed by a LEB128 of a watched index. The scan looks at
 * every byte, instruction or immediate alike, and answers true at the first such pair: it can
 * answer true for a body that has none (a 0x10 that is an immediate), never false for a body
 * that has one. A body it clears needs no renumbering and no look at its references, so the
 * writer copies it without decoding it: a byte test per byte instead of an instruction decoder.
 */
public final class FunctionIndexScan {
    private final long[] watched;

    /** A scan for the functions whose bits are set in {@code watched} (bit {@code f % 64} of word {@code f / 64}). */
    public FunctionIndexScan(long[] watched) {
        this.watched = watched;
    }

    /** Whether {@code [from, to)} of {@code b} may refer to a watched function. */
    public boolean mayReferTo(byte[] b, int from, int to) {
        for (int p = from; p < to; p++) {
            int c = b[p];
            // 0x10 and 0x12 differ in one bit; 0xD2 (as a signed byte, -46) separately.
            if ((c & ~0x02) == 0x10 || c == (byte) 0xD2) {
                if (watchedAt(b, p + 1, to)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether the LEB128 at {@code p} is a watched index; true when it is cut off or too long (the decoder will say). */
    private boolean watchedAt(byte[] b, int p, int to) {
        long value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (p >= to) {
                return true;
            }
            int c = b[p++];
            value |= (long) (c & 0x7F) << shift;
            if (c >= 0) {
                int word = (int) (value >>> 6);
                return value < (long) watched.length << 6 && (watched[word] & 1L << value) != 0;
            }
        }
        return true;
    }
}
