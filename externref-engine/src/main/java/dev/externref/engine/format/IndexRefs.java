package dev.externref.engine.format;

/**
 * Where index immediates sit in a byte range: space, value, and the exact encoded bytes, so a
 * writer can substitute new values without re-encoding anything else. Reused between ranges
 * (no allocation per instruction).
 */
final class IndexRefs {
    int size;
    /** Spaces to record, one bit per {@link IndexSpace} ordinal: the others are not needed. */
    int mask = 0xFF;
    /** Spaces met but not recorded (a mask of 0 turns these refs into a probe of what a range refers to). */
    int unrecorded;
    byte[] space = new byte[64];
    boolean[] signed = new boolean[64];
    int[] value = new int[64];
    int[] pos = new int[64];
    byte[] len = new byte[64];

    void clear() {
        size = 0;
    }

    boolean records(IndexSpace s) {
        return (mask & (1 << s.ordinal())) != 0;
    }

    void grow() {
        int n = value.length * 2;
        space = java.util.Arrays.copyOf(space, n);
        signed = java.util.Arrays.copyOf(signed, n);
        value = java.util.Arrays.copyOf(value, n);
        pos = java.util.Arrays.copyOf(pos, n);
        len = java.util.Arrays.copyOf(len, n);
    }

    void add(IndexSpace s, boolean isSigned, int v, int start, int end) {
        if ((mask & (1 << s.ordinal())) == 0) {
            unrecorded |= 1 << s.ordinal();
            return;
        }
        if (size == value.length) {
            grow();
        }
        space[size] = (byte) s.ordinal();
        signed[size] = isSigned;
        value[size] = v;
        pos[size] = start;
        len[size] = (byte) (end - start);
        size++;
    }
}
