package dev.externref.engine.format;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

import static dev.externref.engine.format.Opcodes.*;

/**
 * Decodes the instructions of one expression (a function body's code, or a constant
 * expression), one at a time and without allocating per instruction. Driven entirely by
 * {@link Opcodes}' table. Module-level index immediates are recorded in an {@link IndexRefs}
 * when one is given, so a writer can renumber them in place.
 *
 * <pre>{@code
 * while (in.hasNext()) {
 *     int op = in.next();
 *     if (op == Opcodes.CALL) { int callee = in.index(); ... }
 * }
 * in.finish(); // the expression ended with its own `end`, exactly at the range's end
 * }</pre>
 */
public final class InstructionReader {
    private final ByteReader r;
    private final IndexRefs refs;
    private int opcode;
    private int start;
    private int index;
    private int index2;
    private long constant;
    private static final int[] NO_LABELS = new int[0];
    private int[] labels = NO_LABELS; // allocated by the first br_table
    private int labelCount;
    private int blockType;
    private int depth;
    private boolean finished;
    private boolean usesDataIndex;
    private int dataIndexAt = -1;

    InstructionReader(byte[] buf, int start, int end, IndexRefs refs) {
        this.r = new ByteReader(buf, start, end);
        this.refs = refs;
    }

    /** Starts over on another range, keeping the buffers (one reader serves a whole code section). */
    void reset(int start, int end) {
        r.pos(start);
        r.limit(end);
        depth = 0;
        finished = false;
        usesDataIndex = false;
        dataIndexAt = -1;
    }

    /** A reader over {@code [start, end)} of a module's bytes, for analysis (no renumbering info). */
    public static InstructionReader over(byte[] module, int start, int end) {
        return new InstructionReader(module, start, end, null);
    }

    /** True while the expression has instructions left before its final {@code end}. */
    public boolean hasNext() {
        return !finished;
    }

    /** Checks that the expression ended properly: its final {@code end} is the last byte. */
    public void finish() {
        if (!finished) {
            throw r.error("END opcode expected");
        }
        if (!r.atEnd()) {
            throw r.error("section size mismatch: " + r.remaining() + " bytes after the end of the expression");
        }
    }

    public int opcode() {
        return opcode;
    }

    /** Offset of the current instruction's first byte. */
    public int start() {
        return start;
    }

    /** Offset just after the current instruction. */
    public int end() {
        return r.pos();
    }

    /** The first immediate: label, local, global, function, type, table, memory, tag, element or data index. */
    public int index() {
        return index;
    }

    /** The second index immediate, where there is one (call_indirect's table, memory.init's memory, ...). */
    public int index2() {
        return index2;
    }

    /** The value of i32.const / i64.const. */
    public long constant() {
        return constant;
    }

    /** {@code []} -> {@code []} as {@link #blockType()}. */
    public static final int BLOCK_EMPTY = TypeReader.BLOCK_EMPTY;
    /** {@code []} -> {@code [t]} as {@link #blockType()}. */
    public static final int BLOCK_VALUE = TypeReader.BLOCK_VALUE;

    /** Of block, loop, if, try and try_table: {@link #BLOCK_EMPTY}, {@link #BLOCK_VALUE}, or a type index. */
    public int blockType() {
        return blockType;
    }

    /** br_table's targets, the default last. */
    public int labelCount() {
        return labelCount;
    }

    public int label(int i) {
        return labels[i];
    }

    /** Block nesting depth after the current instruction (0: the function's own frame). */
    public int depth() {
        return depth;
    }

    /** Whether a data index (memory.init, data.drop, array.*_data) has been seen. */
    boolean usesDataIndex() {
        return usesDataIndex;
    }

    /** Offset of the first instruction with a data index, or -1. */
    int dataIndexAt() {
        return dataIndexAt;
    }

    /**
     * Little-endian 8-byte peeks: an opcode and up to 7 bytes of immediates in one load. In a
     * class of its own, so that the view is made when {@link #scanFast} first peeks.
     */
    private static final class Peek {
        static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

        /**
         * By an instruction's first two bytes (opcode in the low byte), its length if its other
         * LEB128s have one byte each, the usual case: {@link #scanFast} moves on by this guess
         * and checks it against the exact length, so the next peek does not wait for the latter.
         */
        static final byte[] GUESS = new byte[1 << 16];

        static {
            int[] shapes = Opcodes.fastShapes(false, false);
            byte[][] rows = new byte[2][256]; // the second byte below 0x80 (a LEB128's last), or not
            for (int row = 0; row < 2; row++) {
                long ends = row == 0 ? CONTINUATION_BITS : CONTINUATION_BITS & ~0x80L; // then one-byte LEB128s
                int first = (Long.numberOfTrailingZeros(ends) >>> 3) + 1;
                int both = (Long.numberOfTrailingZeros(ends & (ends - 1)) >>> 3) + 1;
                for (int op = 0; op < 256; op++) {
                    int shape = shapes[op];
                    int length = (first << SHAPE_ONE_LEB | both << SHAPE_TWO_LEBS | FIXED_LENGTHS) >>> shape & 0xF;
                    rows[row][op] = (byte) (shape < 0 ? 0 : 1 + length);
                }
            }
            for (int second = 0; second < 256; second++) {
                System.arraycopy(rows[second >>> 7], 0, GUESS, second << 8, 256);
            }
        }
    }

    /** The writer's decoding loops: each gives the records and errors of {@link #next()} until the end. */
    enum Loop {
        /** {@link #scanTable}: modules under {@link #TABLE_DECODING_MODULE_BYTES} of code, once the JVM is warm. */
        TABLE,
        /** {@link #scanCompact}: larger modules, and every module in a fresh JVM but very large ones. */
        COMPACT,
        /** {@link #scanFast}: very large modules in a fresh JVM. */
        FAST
    }

    /** Decodes the rest of the expression with {@code loop}. */
    void scan(Loop loop) {
        switch (loop) {
            case TABLE -> scanTable();
            case COMPACT -> scanCompact();
            case FAST -> scanFast();
        }
    }

    /**
     * Code bytes of one module below which a warm JVM decodes it with {@link #scanTable}. The
     * walk costs about the same per byte whatever the code; the compact loop's cost follows how
     * well the processor predicts its branches. The walk bounds the worst case, which counts
     * where a module takes milliseconds (sql.js's debug build: 0.64x the compact loop's time),
     * at the cost of the best case, which counts where it takes tens (esbuild: 1.35x);
     * docs/PERFORMANCE.md, {@code DecodingLoops}.
     */
    static final long TABLE_DECODING_MODULE_BYTES = 4 << 20;

    /**
     * Code a caller's warm-up must have counted for the JVM to count as warm: from then on
     * {@link #scanTable} and {@link #scanCompact} decode every module, as C2 has compiled them.
     */
    static final long FAST_DECODING_BYTES = 4 << 20;
    /**
     * Code bytes of one module from which a fresh JVM decodes it with {@link #scanFast}: the
     * branchless loop has fewer branches to profile before C2 compiles it, and reaches its speed
     * sooner. Whole-process runs of the command line, fast against compact loop: duckdb-mvp
     * (29 MB of code) 0.95x, biome (31 MB) 0.95x; below, the compact loop is as fast or faster.
     */
    static final long FAST_DECODING_MODULE_BYTES = 16 << 20;
    /** The continuation bits of the 7 bytes after the opcode. */
    private static final long CONTINUATION_BITS = 0x0080808080808080L;

    /**
     * Decodes every instruction up to the expression's final {@code end}, recording index
     * references: what {@link #next()} until the end does, with the same records and the same
     * errors; the writer's decoder. One small loop, one branch on the opcode's kind: the
     * common instructions (no immediates, LEB128 and fixed-width immediates, calls, global
     * accesses, memargs without a memory index, blocks of an empty or value type) inline, their
     * one-byte immediates without a call (C1 does not inline the LEB128 helpers, and the
     * interpreter pays per call), the rest through {@link #outOfLine}. Small, so that little
     * runs interpreted before the JIT compiles it in a short-lived JVM. Once C2 has compiled it,
     * it is also faster than {@link #scanFast} on most real code, whose patterns its branches
     * follow and the processor predicts: warm whole processing, both loops in one JVM, esbuild
     * (Go) 0.74x of the fast loop's time, lightningcss 0.77x, ort 0.82-0.88x, 12 of the 14 npm
     * modules faster; sql.js, where they do not, 1.23x.
     */
    void scanCompact() {
        final byte[] b = r.buffer();
        final int lim = r.limit();
        final boolean globalsRecorded = refs != null && refs.records(IndexSpace.GLOBAL);
        int p = r.pos();
        int d = depth;
        while (p < lim) {
            int op = b[p] & 0xFF;
            byte kind = SINGLE[op];
            if (kind == NONE) {
                p++;
                if (op == END) {
                    if (d == 0) {
                        finished = true;
                        break;
                    }
                    d--;
                }
                continue;
            }
            int q = p + 1;
            int e = -1; // the instruction's end; -1: through outOfLine
            if (q < lim) {
                int x = b[q]; // the first immediate byte: below 0 continues a LEB128
                switch (kind) {
                    case LOCAL -> e = x >= 0 ? q + 1 : u32End(b, q, lim);
                    case I32 -> e = x >= 0 ? q + 1 : signedEnd(b, q, lim, 5);
                    case I64 -> e = x >= 0 ? q + 1 : signedEnd(b, q, lim, 10);
                    case F32 -> e = q + 4 <= lim ? q + 4 : -1;
                    case F64 -> e = q + 8 <= lim ? q + 8 : -1;
                    case LABEL -> e = op == DELEGATE ? -1 : x >= 0 ? q + 1 : u32End(b, q, lim); // delegate ends a block
                    case MEMARG -> e = x >= 0 && x < 0x40 ? offsetEnd(b, q + 1, lim) : -1; // no memory index
                    case BLOCK -> {
                        if (x == 0x40 || x >= 0x7B) { // [] or i32 i64 f32 f64 v128; a type index goes through next()
                            d++;
                            e = q + 1;
                        }
                    }
                    case FUNC -> e = index(IndexSpace.FUNCTION, b, q, lim);
                    case GLOBAL -> e = globalsRecorded ? index(IndexSpace.GLOBAL, b, q, lim) : x >= 0 ? q + 1 : u32End(b, q, lim);
                    default -> {
                    }
                }
            }
            if (e >= 0) {
                p = e;
                continue;
            }
            depth = d;
            p = outOfLine(b, p, lim, kind);
            d = depth;
            if (finished) {
                break;
            }
        }
        r.pos(p);
        depth = d;
        if (!finished) {
            next(); // at the range's end: the general decoder's error
        }
    }

    /** Byte-transition table of {@link #scanTable}: per state and byte, the next state and the change of depth. */
    private static final class Transitions {
        static final int S0 = 0;          // at an instruction's first byte
        static final int U = 1;           // U + k: byte k+1 of a u32 (k = 0..4)
        static final int I = 6;           // s32
        static final int L = 11;          // s64
        static final int O = 21;          // a memarg's u64 offset
        static final int M = 31;          // a memarg's alignment
        static final int FIXED = 32;      // FIXED + k: k+1 bytes of a constant left (k = 0..7)
        static final int BT = 40;         // a block type
        static final int SPECIAL = 48;    // from here: the loop hands over
        static final int ERROR = 48;      // malformed, or beyond the table: the exact decoder takes the body
        static final int AFTER_CALL = 49; // a function index follows
        static final int AFTER_OP = 50;   // the opcode before is decoded exactly
        static final int AFTER_ALIGN = 51; // the memarg's alignment byte (not under 0x40) and opcode before
        static final int AFTER_BT = 52;   // the block type byte and opcode before

        /** Per entry: the change of depth (+1 at a block's opcode, -1 at an end). */
        static final byte[] DEPTH = new byte[64 << 8];
        static final char[] FUNCTIONS_RECORDED = build(false);
        static final char[] ALL_RECORDED = build(true);

        private static char[] build(boolean globalsRecorded) {
            char[] t = new char[64 << 8];
            for (int x = 0; x < 256; x++) {
                int kind = SINGLE[x];
                int next = switch (kind) {
                    case NONE -> S0;
                    case LOCAL -> U;
                    case LABEL -> x == DELEGATE ? AFTER_OP : U;
                    case GLOBAL -> globalsRecorded ? AFTER_OP : U;
                    case I32 -> I;
                    case I64 -> L;
                    case F32 -> FIXED + 3;
                    case F64 -> FIXED + 7;
                    case MEMARG -> M;
                    case BLOCK -> BT;
                    case FUNC -> AFTER_CALL;
                    default -> AFTER_OP;
                };
                set(t, S0, x, next, x == END ? -1 : kind == BLOCK ? 1 : 0);
                boolean last = x < 0x80;
                for (int k = 0; k < 5; k++) {
                    set(t, U + k, x, k < 4 ? (last ? S0 : U + k + 1) : (x & 0xF0) == 0 ? S0 : ERROR, 0);
                    set(t, I + k, x, k < 4 ? (last ? S0 : I + k + 1) : x < 0x08 || x >= 0x78 && last ? S0 : ERROR, 0);
                }
                for (int k = 0; k < 10; k++) {
                    set(t, L + k, x, k < 9 ? (last ? S0 : L + k + 1) : x == 0 || x == 0x7F ? S0 : ERROR, 0);
                    set(t, O + k, x, k < 9 ? (last ? S0 : O + k + 1) : x <= 1 ? S0 : ERROR, 0);
                }
                set(t, M, x, x < 0x40 ? O : AFTER_ALIGN, 0);
                for (int k = 0; k < 8; k++) {
                    set(t, FIXED + k, x, k == 0 ? S0 : FIXED + k - 1, 0);
                }
                set(t, BT, x, x == 0x40 || x >= 0x7B && last ? S0 : AFTER_BT, 0);
                for (int state = SPECIAL; state < 64; state++) {
                    set(t, state, x, ERROR, 0);
                }
            }
            return t;
        }

        private static void set(char[] t, int state, int x, int next, int depthChange) {
            t[state << 8 | x] = (char) (next << 8);
            DEPTH[state << 8 | x] = (byte) depthChange;
        }
    }

    /**
     * {@link #scanCompact} as a walk over bytes: one table load per byte gives the state the
     * next byte is read in, so no branch depends on the code but the rare hand-overs (calls,
     * br_table, prefixed and unusual instructions, which are decoded exactly). A body it cannot
     * take whole, malformed ones included, is decoded again by {@link #scanCompact}, which
     * gives the same records and the exact error.
     */
    void scanTable() {
        final byte[] b = r.buffer();
        final int lim = r.limit();
        final int from = r.pos();
        final IndexRefs refs = this.refs;
        final int recorded = refs == null ? 0 : refs.size;
        final char[] t = refs != null && refs.records(IndexSpace.GLOBAL) ? Transitions.ALL_RECORDED : Transitions.FUNCTIONS_RECORDED;
        final byte[] depthChanges = Transitions.DEPTH;
        final int last = lim - 1;
        int p = from;
        int e = 0; // the current state << 8
        int d = 0;
        int negative = 0;
        boolean whole = depth == 0;
        while (whole && p < last) {
            int at = e | b[p++] & 0xFF;
            e = t[at];
            d += depthChanges[at];
            negative |= d;
            if (e >= Transitions.SPECIAL << 8) {
                if (negative < 0) {
                    whole = false; // code after the expression's end: the exact decoder's error
                    break;
                }
                int state = e >>> 8;
                int op = switch (state) {
                    case Transitions.AFTER_CALL, Transitions.AFTER_OP -> p - 1;
                    case Transitions.AFTER_ALIGN -> p - 2;
                    case Transitions.AFTER_BT -> {
                        d--;
                        yield p - 2;
                    }
                    default -> -1;
                };
                if (op < 0) {
                    whole = false; // malformed: the exact decoder's error
                    break;
                }
                if (state == Transitions.AFTER_CALL) {
                    int end = index(IndexSpace.FUNCTION, b, p, lim);
                    if (end >= 0) {
                        p = end;
                        e = 0;
                        continue;
                    }
                }
                depth = d;
                p = outOfLine(b, op, lim, SINGLE[b[op] & 0xFF]);
                d = depth;
                e = 0;
                if (finished) {
                    whole = false;
                }
            }
        }
        if (whole && p == last) {
            int at = e | b[p++] & 0xFF;
            e = t[at];
            d += depthChanges[at];
        }
        if (whole && negative >= 0 && d == -1 && e >>> 8 == Transitions.S0 && p == lim) {
            r.pos(lim);
            depth = 0;
            finished = true;
            return;
        }
        // The exact decoder, from the top.
        if (refs != null) {
            refs.size = recorded;
        }
        r.pos(from);
        depth = 0;
        finished = false;
        usesDataIndex = false;
        dataIndexAt = -1;
        scanCompact();
    }

    /**
     * {@link #scanCompact} for a very large module in a fresh JVM (see {@link #FAST_DECODING_MODULE_BYTES}).
     *
     * <p>Dense code has about two bytes per instruction, so the common instructions are
     * decoded without a branch on their opcode: one 8-byte load holds the opcode and its
     * immediates, the ends of the first two LEB128s come from their continuation bits, the
     * opcode's {@link Opcodes#fastShapes} row shifts out the length and the change of block depth,
     * and one test accepts the instruction. The next position is taken from {@link Peek#GUESS}
     * (one table load after the peek) when it agrees with that length, so the loop's chain from
     * one peek to the next is two loads long, and the length's computation runs beside it. Calls
     * and global accesses whose index is recorded have a short path of their own; every other
     * instruction takes one call to {@link #outOfLine}, and the last bytes of the buffer go
     * through {@link #next()}.
     */
    void scanFast() {
        final byte[] b = r.buffer();
        final int lim = r.limit();
        final int peekEnd = Math.min(lim, b.length - 7); // an 8-byte peek at p stays in the array
        final IndexRefs refs = this.refs;
        final byte[] guesses = Peek.GUESS;
        // Index immediates nobody records are plain LEB128s.
        final int[] shapes = Opcodes.fastShapes(refs != null && refs.records(IndexSpace.FUNCTION),
                refs != null && refs.records(IndexSpace.GLOBAL));
        int p = r.pos();
        int d = depth;
        scan:
        while (!finished) {
            while (p < peekEnd) {
                long w = (long) Peek.LONG_LE.get(b, p);
                int shape = shapes[(int) w & 0xFF];
                int guess = guesses[(int) w & 0xFFFF];
                long ends = ~(w >>> 8) & CONTINUATION_BITS; // one bit per byte that ends a LEB128
                int first = (Long.numberOfTrailingZeros(ends) >>> 3) + 1; // 9: not within 7 bytes
                if (shape >= 0) {
                    int both = (Long.numberOfTrailingZeros(ends & (ends - 1)) >>> 3) + 1;
                    int length = (first << SHAPE_ONE_LEB | both << SHAPE_TWO_LEBS | FIXED_LENGTHS) >>> shape & 0xF;
                    int next = p + 1 + length;
                    int accept = ((shape >>> SHAPE_MAX_SHIFT & 0xF) - length) | (lim - next)
                            | -(((int) (w >>> 8) ^ shape & SHAPE_EXPECT_40) & shape >>> SHAPE_MASK_SHIFT & 0xFF);
                    if (accept >= 0) {
                        d += (shape >>> SHAPE_OPEN_SHIFT & 1) - (shape >>> SHAPE_END_SHIFT & 1);
                        if (d < 0) {
                            p = next;
                            finished = true;
                            d = 0;
                            break scan;
                        }
                        // The next position from the guess: the exact one above is only compared
                        // with it (a branch the processor predicts), so the next peek need not wait.
                        int guessed = p + guess;
                        if (guessed == next) {
                            p = guessed;
                        } else {
                            p = next;
                        }
                        continue;
                    }
                    // else: may be out of its type's range, runs past the end, or has a memory index
                }
                byte kind = SINGLE[(int) w & 0xFF];
                if ((kind == FUNC || kind == GLOBAL) && first <= 4 && p + 1 + first <= lim) {
                    if (refs != null) {
                        // The index's 1-4 bytes, their 7-bit groups packed without a loop (a
                        // loop here once drew the JIT's on-stack replacement away from the main one).
                        long x = w >>> 8 & (1L << 8 * first) - 1;
                        int v = (int) (x & 0x7F | x >>> 1 & 0x3F80 | x >>> 2 & 0x1FC000 | x >>> 3 & 0xFE00000);
                        refs.add(kind == FUNC ? IndexSpace.FUNCTION : IndexSpace.GLOBAL, false, v, p + 1, p + 1 + first);
                    }
                    p += 1 + first;
                    continue;
                }
                // One call for everything else, so that a kind of instruction the JIT has not
                // seen yet is no branch it compiled away (and must deoptimize for) here.
                depth = d;
                p = outOfLine(b, p, lim, kind);
                d = depth;
                if (finished) {
                    break scan;
                }
            }
            // The last bytes of the buffer, through the general decoder.
            r.pos(p);
            depth = d;
            next();
            p = r.pos();
            d = depth;
        }
        r.pos(p);
        depth = d;
    }

    /**
     * The instructions {@link #scanFast} and {@link #scanCompact} do not take inline, decoded without the general
     * decoder's per-call cost: blocks with a value type, calls and global accesses with long
     * indices, long constants, br_table, call_indirect, try_table, and the prefixed numeric,
     * SIMD, atomic and memory instructions. Anything unusual, and every error, goes through
     * {@link #next()}.
     * Works on {@link #depth}; returns the next position. Deliberately one large method: the
     * JIT does not inline it, so a rare case first met here recompiles only this method.
     */
    private int outOfLine(byte[] b, int p, int lim, byte kind) {
        int q = p + 1;
        int recorded = refs == null ? 0 : refs.size;
        int next = switch (kind) {
            case BLOCK -> {
                if (q < lim && b[q] >= 0x7B) { // i32 i64 f32 f64 v128 as a signed byte; [] took the fast path
                    depth++;
                    yield q + 1;
                }
                yield -1;
            }
            case FUNC -> index(IndexSpace.FUNCTION, b, q, lim);
            case GLOBAL -> index(IndexSpace.GLOBAL, b, q, lim);
            case LOCAL -> u32End(b, q, lim);
            case LABEL -> b[p] == DELEGATE ? -1 : u32End(b, q, lim);
            case I32 -> signedEnd(b, q, lim, 5);
            case I64 -> signedEnd(b, q, lim, 10);
            case MEMARG -> memargEnd(b, q, lim);
            case BR_TABLE -> {
                int e = u32End(b, q, lim);
                if (e < 0) {
                    yield -1;
                }
                long targets = Integer.toUnsignedLong(u32At(b, q, e)) + 1;
                for (long i = 0; i < targets && e >= 0; i++) {
                    e = u32End(b, e, lim);
                }
                yield e;
            }
            case TRY_TABLE -> {
                if (q >= lim || b[q] != 0x40 && b[q] < 0x7B) { // [] or a value type; a type index goes through next()
                    yield -1;
                }
                int e = u32End(b, q + 1, lim);
                long clauses = e < 0 ? 0 : Integer.toUnsignedLong(u32At(b, q + 1, e));
                for (long i = 0; i < clauses && e >= 0; i++) {
                    int clause = e < lim ? b[e] : -1;
                    e = clause == 0 || clause == 1 ? index(IndexSpace.TAG, b, e + 1, lim) // catch (_ref) tag label
                            : clause == 2 || clause == 3 ? e + 1 : -1; // catch_all (_ref) label
                    e = e < 0 ? -1 : u32End(b, e, lim);
                }
                if (e >= 0) {
                    depth++;
                }
                yield e;
            }
            case CALL_INDIRECT -> {
                int type = u32End(b, q, lim);
                int table = type < 0 ? -1 : u32End(b, type, lim);
                if (table >= 0) {
                    record(IndexSpace.TYPE, b, q, type);
                    record(IndexSpace.TABLE, b, type, table);
                }
                yield table;
            }
            case PREFIX -> {
                int e = u32End(b, q, lim);
                byte[] table = Opcodes.table(b[p] & 0xFF);
                int sub = e < 0 ? -1 : u32At(b, q, e);
                if (sub < 0 || sub >= table.length) {
                    yield -1;
                }
                yield switch (table[sub]) {
                    case NONE -> e;
                    case LANE -> e < lim ? e + 1 : -1;
                    case V128 -> e + 16 <= lim ? e + 16 : -1;
                    case MEMARG -> memargEnd(b, e, lim);
                    case MEMARG_LANE -> {
                        int m = memargEnd(b, e, lim);
                        yield m >= 0 && m < lim ? m + 1 : -1;
                    }
                    case MEMORY -> index(IndexSpace.MEMORY, b, e, lim);
                    case MEMORY_COPY -> {
                        int m = index(IndexSpace.MEMORY, b, e, lim);
                        yield m < 0 ? -1 : index(IndexSpace.MEMORY, b, m, lim);
                    }
                    default -> -1;
                };
            }
            default -> -1;
        };
        if (next >= 0) {
            return next;
        }
        if (refs != null) {
            refs.size = recorded; // next() records the instruction's indices again
        }
        r.pos(p);
        next();
        return r.pos();
    }

    /** End of a memarg at {@code q} (alignment and flags, memory index if flagged, u64 offset), or -1. */
    private int memargEnd(byte[] b, int q, int lim) {
        int e = u32End(b, q, lim);
        if (e < 0) {
            return -1;
        }
        int flags = u32At(b, q, e);
        if (flags < 0 || flags >= 128) {
            return -1;
        }
        if ((flags & 0x40) != 0) {
            e = index(IndexSpace.MEMORY, b, e, lim);
            if (e < 0) {
                return -1;
            }
        }
        return offsetEnd(b, e, lim);
    }

    /** End of a memarg's u64 offset at {@code q}, or -1. */
    private static int offsetEnd(byte[] b, int q, int lim) {
        int end = Math.min(lim, q + 10);
        for (int i = q; i < end; i++) {
            if (b[i] >= 0) {
                return i - q < 9 || (b[i] & 0x7E) == 0 ? i + 1 : -1;
            }
        }
        return -1;
    }

    /** Records the u32 index at {@code q}; returns its end, or -1. */
    private int index(IndexSpace space, byte[] b, int q, int lim) {
        int e = u32End(b, q, lim);
        if (e >= 0) {
            record(space, b, q, e);
        }
        return e;
    }

    private void record(IndexSpace space, byte[] b, int from, int to) {
        if (refs != null) {
            refs.add(space, false, u32At(b, from, to), from, to);
        }
    }

    /** End of a u32 LEB128 at {@code q} that ends before {@code lim} and is in range, or -1. */
    private static int u32End(byte[] b, int q, int lim) {
        int end = Math.min(lim, q + 5);
        for (int i = q; i < end; i++) {
            if (b[i] >= 0) {
                return i - q < 4 || (b[i] & 0x70) == 0 ? i + 1 : -1;
            }
        }
        return -1;
    }

    /**
     * End of a signed LEB128 of at most {@code maxBytes} bytes (5: s32, 10: s64) at {@code q},
     * or -1. The unused bits of a last byte must repeat the sign bit.
     */
    private static int signedEnd(byte[] b, int q, int lim, int maxBytes) {
        int end = Math.min(lim, q + maxBytes);
        for (int i = q; i < end; i++) {
            int x = b[i];
            if (x >= 0) {
                if (i - q < maxBytes - 1) {
                    return i + 1;
                }
                int rest = maxBytes == 5 ? x >> 3 & 0xF : x & 0x7F;
                int all = maxBytes == 5 ? 0xF : 0x7F;
                return rest == 0 || rest == all ? i + 1 : -1;
            }
        }
        return -1;
    }

    /** The 32-bit pattern of the u32 LEB128 in {@code [from, to)}, already checked. */
    private static int u32At(byte[] b, int from, int to) {
        int v = 0;
        for (int i = from, shift = 0; i < to; i++, shift += 7) {
            v |= (b[i] & 0x7F) << shift;
        }
        return v;
    }

    /** Decodes the next instruction and returns its opcode (see {@link Opcodes#prefixed}). */
    public int next() {
        if (finished) {
            throw r.error("unexpected content after the end of the expression");
        }
        start = r.pos();
        if (r.atEnd()) {
            throw r.error("unexpected end of section or function");
        }
        int op = r.u8();
        byte kind = SINGLE[op];
        if (kind == PREFIX) {
            long sub = r.u32AsLong();
            byte[] table = Opcodes.table(op);
            if (sub >= table.length || table[(int) sub] == UNKNOWN) {
                throw r.error("illegal opcode " + String.format("%02x %02x", op, sub), start);
            }
            kind = table[(int) sub];
            op = Opcodes.prefixed(op, (int) sub);
        } else if (kind == UNKNOWN) {
            throw r.error("illegal opcode " + String.format("%02x", op), start);
        }
        opcode = op;
        immediates(kind);
        switch (op) {
            case BLOCK_OP, LOOP, IF, TRY, TRY_TABLE_OP -> depth++;
            case END, DELEGATE -> {
                if (depth == 0) {
                    finished = true;
                } else {
                    depth--;
                }
            }
            default -> {
            }
        }
        return op;
    }

    private void immediates(byte kind) {
        switch (kind) {
            case NONE -> {
            }
            case BLOCK -> blockType = TypeReader.blockType(r, refs);
            case LABEL, LOCAL -> index = r.u32();
            case BR_TABLE -> {
                int n = r.count(1);
                if (labels.length < n + 1) {
                    labels = new int[n + 1];
                }
                for (int i = 0; i <= n; i++) {
                    labels[i] = r.u32();
                }
                labelCount = n + 1;
            }
            case FUNC -> index = TypeReader.index(r, refs, IndexSpace.FUNCTION);
            case CALL_INDIRECT -> {
                index = TypeReader.index(r, refs, IndexSpace.TYPE);
                index2 = TypeReader.index(r, refs, IndexSpace.TABLE);
            }
            case GLOBAL -> index = TypeReader.index(r, refs, IndexSpace.GLOBAL);
            case TABLE -> index = TypeReader.index(r, refs, IndexSpace.TABLE);
            case MEMARG -> memarg();
            case MEMORY -> index = TypeReader.index(r, refs, IndexSpace.MEMORY);
            case I32 -> constant = r.s32();
            case I64 -> constant = r.s64();
            case F32 -> r.skip(4);
            case F64 -> r.skip(8);
            case SELECT_T -> {
                int n = r.count(1);
                for (int i = 0; i < n; i++) {
                    TypeReader.valType(r, refs);
                }
            }
            case HEAPTYPE -> constant = TypeReader.heapType(r, refs);
            case MEMORY_INIT -> {
                dataIndex();
                index = TypeReader.index(r, refs, IndexSpace.DATA);
                index2 = TypeReader.index(r, refs, IndexSpace.MEMORY);
            }
            case DATA -> {
                dataIndex();
                index = TypeReader.index(r, refs, IndexSpace.DATA);
            }
            case MEMORY_COPY -> {
                index = TypeReader.index(r, refs, IndexSpace.MEMORY);
                index2 = TypeReader.index(r, refs, IndexSpace.MEMORY);
            }
            case TABLE_INIT -> {
                index = TypeReader.index(r, refs, IndexSpace.ELEMENT);
                index2 = TypeReader.index(r, refs, IndexSpace.TABLE);
            }
            case ELEM -> index = TypeReader.index(r, refs, IndexSpace.ELEMENT);
            case TABLE_COPY -> {
                index = TypeReader.index(r, refs, IndexSpace.TABLE);
                index2 = TypeReader.index(r, refs, IndexSpace.TABLE);
            }
            case V128 -> r.skip(16);
            case LANE -> index = r.u8();
            case MEMARG_LANE -> {
                memarg();
                index2 = r.u8();
            }
            case ZERO_BYTE -> {
                if (r.u8() != 0) {
                    throw r.error("zero byte expected", r.pos() - 1);
                }
            }
            case TAG -> index = TypeReader.index(r, refs, IndexSpace.TAG);
            case TRY_TABLE -> {
                blockType = TypeReader.blockType(r, refs);
                int n = r.count(2);
                for (int i = 0; i < n; i++) {
                    int at = r.pos();
                    int clause = r.u8();
                    if (clause == 0 || clause == 1) {
                        TypeReader.index(r, refs, IndexSpace.TAG);
                    } else if (clause != 2 && clause != 3) {
                        throw r.error("malformed catch clause 0x" + Integer.toHexString(clause), at);
                    }
                    r.u32();
                }
            }
            case TYPE -> index = TypeReader.index(r, refs, IndexSpace.TYPE);
            case TYPE_FIELD, TYPE_U32 -> {
                index = TypeReader.index(r, refs, IndexSpace.TYPE);
                index2 = r.u32();
            }
            case TYPE_DATA -> {
                dataIndex();
                index = TypeReader.index(r, refs, IndexSpace.TYPE);
                index2 = TypeReader.index(r, refs, IndexSpace.DATA);
            }
            case TYPE_ELEM -> {
                index = TypeReader.index(r, refs, IndexSpace.TYPE);
                index2 = TypeReader.index(r, refs, IndexSpace.ELEMENT);
            }
            case TYPE_TYPE -> {
                index = TypeReader.index(r, refs, IndexSpace.TYPE);
                index2 = TypeReader.index(r, refs, IndexSpace.TYPE);
            }
            case BR_ON_CAST -> {
                int at = r.pos();
                int flags = r.u8();
                if (flags > 15) {
                    throw r.error("malformed cast flags " + flags, at);
                }
                index = r.u32();
                TypeReader.heapType(r, refs);
                TypeReader.heapType(r, refs);
            }
            default -> throw new IllegalStateException("immediate layout " + kind);
        }
    }

    private void dataIndex() {
        if (!usesDataIndex) {
            usesDataIndex = true;
            dataIndexAt = start;
        }
    }

    private void memarg() {
        int at = r.pos();
        long flags = r.u32AsLong();
        if (flags >= 128) {
            throw r.error("malformed memop flags", at);
        }
        if ((flags & 0x40) != 0) {
            index = TypeReader.index(r, refs, IndexSpace.MEMORY);
        } else {
            index = 0;
        }
        constant = r.u64(); // offset: u64 in the binary format (memory64)
    }
}
