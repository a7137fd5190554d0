package dev.externref.engine.analysis;

/**
 * The value domain of the reference analysis: what the analysis knows about one value (an
 * operand, a local, a shadow-stack slot), and how two such facts merge where paths join.
 *
 * <p>A value is a {@code long}, not an object, so that states, stacks and merges allocate
 * nothing per instruction. The low byte is the kind; {@link #CONST} and {@link #SYM} carry data
 * above it. The order of facts: {@link #BOTTOM} (no path) below everything, {@link #CONFLICT}
 * (a reference on some paths, an integer on others) above everything; two different integers
 * merge to {@link #INT}.
 */
final class RefValue {
    private RefValue() {
    }

    /** No value: unreachable code. */
    static final long BOTTOM = 0;
    /** A declared local never written on any path (zero). */
    static final long UNINIT = 1;
    /** Any non-reference value. */
    static final long INT = 2;
    /** A host reference. */
    static final long REF = 3;
    /** A reference on some paths, an integer on others. */
    static final long CONFLICT = 4;
    /** An i32 constant: the value in the upper 32 bits. */
    static final long CONST = 5;
    /** Global G + offset, an address in a frame: G in bits 8..31, the offset in the upper 32 bits. */
    static final long SYM = 6;

    static long kind(long v) {
        return v & 0xFF;
    }

    static long constant(int c) {
        return CONST | ((long) c << 32);
    }

    static long sym(int global, int offset) {
        return SYM | ((long) global << 8) | ((long) offset << 32);
    }

    static int symGlobal(long v) {
        return (int) ((v >>> 8) & 0xFF_FFFF);
    }

    /** The data of a {@link #CONST} (its value) or a {@link #SYM} (its offset). */
    static int high(long v) {
        return (int) (v >> 32);
    }

    /**
     * The value on a join of two paths. An address that stops being known (two different
     * addresses, or an address and a number) has escaped: {@code escapes} learns it.
     */
    static long merge(long a, long b, ShadowStack escapes) {
        if (a == b) {
            return a;
        }
        if (a == BOTTOM) {
            return b;
        }
        if (b == BOTTOM) {
            return a;
        }
        long ka = kind(a);
        long kb = kind(b);
        if (ka == CONFLICT || kb == CONFLICT) {
            return CONFLICT;
        }
        if (ka == UNINIT || kb == UNINIT) {
            // Zero on paths where the local was never written: it takes the kind of the other side.
            long other = ka == UNINIT ? b : a;
            if (kind(other) == REF) {
                return REF;
            }
            escapes.escapeIfSym(other);
            return INT;
        }
        if (ka == REF || kb == REF) {
            return CONFLICT;
        }
        // Two different integers: an address that stops being known has escaped.
        escapes.escapeIfSym(a);
        escapes.escapeIfSym(b);
        return INT;
    }
}
