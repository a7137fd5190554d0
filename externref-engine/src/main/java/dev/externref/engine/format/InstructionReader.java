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
    private final byte[] buf;
    private final IndexRefs refs;
    private int opcode;
    private int start;
    private int index;
    private int index2;
    private long constant;
    private static final int[] NO_LABELS = new int[0];
    private int[] labels = NO_LABELS; // allocated by the first br_table
    private int labelCount;
    private int depth;
    private boolean finished;
    private boolean usesDataIndex;

    InstructionReader(byte[] buf, int start, int end, IndexRefs refs) {
        this.r = new ByteReader(buf, start, end);
        this.buf = buf;
        this.refs = refs;
    }

    /** Starts over on another expression {@code [start, end)} of the same buffer (lets a writer reuse one reader). */
    void reset(int start, int end) {
        r.limit(end);
        r.pos(start);
        finished = false;
        depth = 0;
        usesDataIndex = false;
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

    /** Decodes the next instruction and returns its opcode (see {@link Opcodes#prefixed}). */
    public int next() {
        if (finished) {
            throw r.error("unexpected content after the end of the expression");
        }
        final int p = r.pos();
        final int lim = r.limit();
        start = p;
        if (p >= lim) {
            throw r.error("unexpected end of section or function");
        }
        final byte[] b = buf;
        int op = b[p] & 0xFF;
        byte kind = SINGLE[op];
        // Fast paths for the commonest layouts with one-byte immediates, decoded in place; the
        // general path below handles everything, these only skip its calls.
        switch (kind) {
            case NONE -> {
                r.pos(p + 1);
                opcode = op;
                if (op == END) {
                    if (depth == 0) {
                        finished = true;
                    } else {
                        depth--;
                    }
                }
                return op;
            }
            case LOCAL, LABEL -> {
                if (op != DELEGATE && p + 1 < lim && b[p + 1] >= 0) {
                    index = b[p + 1];
                    r.pos(p + 2);
                    opcode = op;
                    return op;
                }
            }
            case FUNC, GLOBAL -> {
                if (p + 1 < lim && b[p + 1] >= 0) {
                    index = b[p + 1];
                    if (refs != null) {
                        refs.add(kind == FUNC ? IndexSpace.FUNCTION : IndexSpace.GLOBAL, false, index, p + 1, p + 2);
                    }
                    r.pos(p + 2);
                    opcode = op;
                    return op;
                }
            }
            case I32 -> {
                if (p + 1 < lim && b[p + 1] >= 0) {
                    constant = (b[p + 1] << 25) >> 25; // one-byte signed LEB128: bit 6 is the sign
                    r.pos(p + 2);
                    opcode = op;
                    return op;
                }
            }
            case MEMARG -> {
                if (p + 2 < lim && b[p + 1] >= 0 && b[p + 1] < 0x40 && b[p + 2] >= 0) {
                    index = 0;
                    constant = b[p + 2];
                    r.pos(p + 3);
                    opcode = op;
                    return op;
                }
            }
            default -> {
            }
        }
        r.pos(p + 1);
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
            case BLOCK -> TypeReader.blockType(r, refs);
            case LABEL, LOCAL -> index = r.u32();
            case BR_TABLE -> {
                int n = r.count(1);
                if (labels.length < n + 1) {
                    labels = new int[Math.max(n + 1, 8)];
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
                usesDataIndex = true;
                index = TypeReader.index(r, refs, IndexSpace.DATA);
                index2 = TypeReader.index(r, refs, IndexSpace.MEMORY);
            }
            case DATA -> {
                usesDataIndex = true;
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
                TypeReader.blockType(r, refs);
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
                usesDataIndex = true;
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
