package dev.externref.engine.format;

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

    /**
     * End of a LEB128 at {@code q} that ends within {@code maxBytes} bytes (so it cannot
     * overflow, whatever its type), or -1: let the general decoder read and check it.
     */
    private static int lebEnd(byte[] b, int q, int lim, int maxBytes) {
        int end = Math.min(lim, q + maxBytes);
        for (int i = q; i < end; i++) {
            if (b[i] >= 0) {
                return i + 1;
            }
        }
        return -1;
    }

    /** End of a valid u32 LEB128 at {@code q}, including 5-byte padded ones (rustc's calls), or -1. */
    private static int u32End(byte[] b, int q, int lim) {
        int e = lebEnd(b, q, lim, 4);
        if (e > 0) {
            return e;
        }
        int last = q + 4;
        return last < lim && b[last - 1] < 0 && (b[last] & 0xF0) == 0 ? last + 1 : -1;
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
     * Decodes every instruction up to the expression's final {@code end}, recording index
     * references: the same result as calling {@link #next()} until {@link #hasNext()} is false,
     * but the most frequent shapes (no immediate, or one single-byte LEB128) are decoded inline
     * with a local cursor, and only the rest go through the table-driven path.
     */
    void scanToEnd() {
        final byte[] b = r.buffer();
        final int lim = r.limit();
        final IndexRefs refs = this.refs;
        int p = r.pos();
        int d = depth;
        while (!finished) {
            if (p < lim) {
                int op = b[p] & 0xFF;
                int q = p + 1;
                switch (SINGLE[op]) {
                    case NONE -> {
                        p = q;
                        if (op == END) {
                            if (d == 0) {
                                finished = true;
                            } else {
                                d--;
                            }
                        }
                        continue;
                    }
                    case LOCAL, I32 -> {
                        int e = q < lim && b[q] >= 0 ? q + 1 : lebEnd(b, q, lim, 4);
                        if (e > 0) {
                            p = e;
                            continue;
                        }
                    }
                    case I64 -> {
                        int e = q < lim && b[q] >= 0 ? q + 1 : lebEnd(b, q, lim, 9);
                        if (e > 0) {
                            p = e;
                            continue;
                        }
                    }
                    case LABEL -> {
                        int e = q < lim && b[q] >= 0 ? q + 1 : lebEnd(b, q, lim, 4);
                        if (e > 0 && op != DELEGATE) {
                            p = e;
                            continue;
                        }
                    }
                    case GLOBAL, FUNC -> {
                        int e = q < lim && b[q] >= 0 ? q + 1 : u32End(b, q, lim);
                        if (e > 0) {
                            if (refs != null) {
                                int v = 0;
                                for (int i = q, shift = 0; i < e; i++, shift += 7) {
                                    v |= (b[i] & 0x7F) << shift;
                                }
                                refs.add(SINGLE[op] == FUNC ? IndexSpace.FUNCTION : IndexSpace.GLOBAL, false, v, q, e);
                            }
                            p = e;
                            continue;
                        }
                    }
                    case MEMARG -> {
                        if (q < lim && b[q] >= 0 && b[q] < 0x40) {
                            int e = q + 1 < lim && b[q + 1] >= 0 ? q + 2 : lebEnd(b, q + 1, lim, 9);
                            if (e > 0) {
                                p = e;
                                continue;
                            }
                        }
                    }
                    case BLOCK -> {
                        if (q < lim && b[q] == 0x40) {
                            p = q + 1;
                            d++;
                            continue;
                        }
                    }
                    default -> {
                    }
                }
            }
            // Everything else, and every error, through the general decoder.
            r.pos(p);
            depth = d;
            next();
            p = r.pos();
            d = depth;
        }
        r.pos(p);
        depth = d;
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
