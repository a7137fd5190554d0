package dev.externref.engine.format;

/**
 * The instruction table: for every opcode, the layout of its immediates. Decoding is driven by
 * these rows alone; a proposal adds rows, not code. Opcodes without a row are unknown and
 * rejected. Prefixed opcodes ({@code 0xFB}, {@code 0xFC}, {@code 0xFD}, {@code 0xFE}) are
 * keyed by their u32 sub-opcode.
 */
public final class Opcodes {
    private Opcodes() {
    }

    // Immediate layouts.
    static final byte UNKNOWN = 0;
    static final byte NONE = 1;
    static final byte BLOCK = 2;          // blocktype
    static final byte LABEL = 3;          // labelidx
    static final byte BR_TABLE = 4;       // vec(labelidx) labelidx
    static final byte FUNC = 5;           // funcidx
    static final byte CALL_INDIRECT = 6;  // typeidx tableidx
    static final byte LOCAL = 7;
    static final byte GLOBAL = 8;
    static final byte TABLE = 9;
    static final byte MEMARG = 10;        // align(+memidx) offset
    static final byte MEMORY = 11;        // memidx
    static final byte I32 = 12;
    static final byte I64 = 13;
    static final byte F32 = 14;
    static final byte F64 = 15;
    static final byte SELECT_T = 16;      // vec(valtype)
    static final byte HEAPTYPE = 17;
    static final byte MEMORY_INIT = 18;   // dataidx memidx
    static final byte DATA = 19;          // dataidx
    static final byte MEMORY_COPY = 20;   // memidx memidx
    static final byte TABLE_INIT = 21;    // elemidx tableidx
    static final byte ELEM = 22;          // elemidx
    static final byte TABLE_COPY = 23;    // tableidx tableidx
    static final byte V128 = 24;          // 16 bytes
    static final byte LANE = 25;          // lane byte
    static final byte MEMARG_LANE = 26;   // memarg lane byte
    static final byte ZERO_BYTE = 27;     // atomic.fence's reserved byte
    static final byte TAG = 28;           // tagidx
    static final byte TRY_TABLE = 29;     // blocktype vec(catch)
    static final byte TYPE = 30;          // typeidx
    static final byte TYPE_FIELD = 31;    // typeidx fieldidx
    static final byte TYPE_U32 = 32;      // typeidx u32
    static final byte TYPE_DATA = 33;     // typeidx dataidx
    static final byte TYPE_ELEM = 34;     // typeidx elemidx
    static final byte TYPE_TYPE = 35;     // typeidx typeidx
    static final byte BR_ON_CAST = 36;    // castflags labelidx heaptype heaptype
    static final byte PREFIX = 37;        // 0xFB..0xFE

    // Opcodes the transform and analysis look at by value.
    public static final int UNREACHABLE = 0x00;
    public static final int BLOCK_OP = 0x02;
    public static final int LOOP = 0x03;
    public static final int IF = 0x04;
    public static final int ELSE = 0x05;
    public static final int TRY = 0x06;
    public static final int CATCH = 0x07;
    public static final int THROW = 0x08;
    public static final int RETHROW = 0x09;
    public static final int THROW_REF = 0x0A;
    public static final int END = 0x0B;
    public static final int BR = 0x0C;
    public static final int BR_IF = 0x0D;
    public static final int BR_TABLE_OP = 0x0E;
    public static final int RETURN = 0x0F;
    public static final int CALL = 0x10;
    public static final int CALL_INDIRECT_OP = 0x11;
    public static final int RETURN_CALL = 0x12;
    public static final int RETURN_CALL_INDIRECT = 0x13;
    public static final int CALL_REF = 0x14;
    public static final int RETURN_CALL_REF = 0x15;
    public static final int DELEGATE = 0x18;
    public static final int CATCH_ALL = 0x19;
    public static final int DROP = 0x1A;
    public static final int SELECT = 0x1B;
    public static final int SELECT_TYPED = 0x1C;
    public static final int TRY_TABLE_OP = 0x1F;
    public static final int LOCAL_GET = 0x20;
    public static final int LOCAL_SET = 0x21;
    public static final int LOCAL_TEE = 0x22;
    public static final int GLOBAL_GET = 0x23;
    public static final int GLOBAL_SET = 0x24;
    public static final int TABLE_GET = 0x25;
    public static final int TABLE_SET = 0x26;
    public static final int I32_CONST = 0x41;
    public static final int I64_CONST = 0x42;
    public static final int REF_NULL = 0xD0;
    public static final int REF_IS_NULL = 0xD1;
    public static final int REF_FUNC = 0xD2;
    public static final int BR_ON_NULL = 0xD5;
    public static final int BR_ON_NON_NULL = 0xD6;

    static final byte[] SINGLE = new byte[256];
    static final byte[] GC = new byte[64];        // 0xFB
    static final byte[] MISC = new byte[32];      // 0xFC
    static final byte[] SIMD = new byte[0x114];   // 0xFD
    static final byte[] ATOMIC = new byte[0x4F];  // 0xFE

    private static void rows(byte[] table, int from, int to, byte kind) {
        for (int op = from; op <= to; op++) {
            table[op] = kind;
        }
    }

    static {
        byte[] s = SINGLE;
        s[0x00] = NONE; // unreachable
        s[0x01] = NONE; // nop
        s[0x02] = BLOCK;
        s[0x03] = BLOCK; // loop
        s[0x04] = BLOCK; // if
        s[0x05] = NONE;  // else
        s[0x06] = BLOCK; // try (legacy exceptions)
        s[0x07] = TAG;   // catch (legacy)
        s[0x08] = TAG;   // throw
        s[0x09] = LABEL; // rethrow (legacy)
        s[0x0A] = NONE;  // throw_ref
        s[0x0B] = NONE;  // end
        s[0x0C] = LABEL; // br
        s[0x0D] = LABEL; // br_if
        s[0x0E] = BR_TABLE;
        s[0x0F] = NONE;  // return
        s[0x10] = FUNC;  // call
        s[0x11] = CALL_INDIRECT;
        s[0x12] = FUNC;  // return_call
        s[0x13] = CALL_INDIRECT; // return_call_indirect
        s[0x14] = TYPE;  // call_ref
        s[0x15] = TYPE;  // return_call_ref
        s[0x18] = LABEL; // delegate (legacy)
        s[0x19] = NONE;  // catch_all (legacy)
        s[0x1A] = NONE;  // drop
        s[0x1B] = NONE;  // select
        s[0x1C] = SELECT_T;
        s[0x1F] = TRY_TABLE;
        s[0x20] = LOCAL;
        s[0x21] = LOCAL;
        s[0x22] = LOCAL;
        s[0x23] = GLOBAL;
        s[0x24] = GLOBAL;
        s[0x25] = TABLE; // table.get
        s[0x26] = TABLE; // table.set
        rows(s, 0x28, 0x3E, MEMARG); // loads and stores
        s[0x3F] = MEMORY; // memory.size
        s[0x40] = MEMORY; // memory.grow
        s[0x41] = I32;
        s[0x42] = I64;
        s[0x43] = F32;
        s[0x44] = F64;
        rows(s, 0x45, 0xC4, NONE); // numeric, incl. sign extension 0xC0..0xC4
        s[0xD0] = HEAPTYPE; // ref.null
        s[0xD1] = NONE;     // ref.is_null
        s[0xD2] = FUNC;     // ref.func
        s[0xD3] = NONE;     // ref.eq
        s[0xD4] = NONE;     // ref.as_non_null
        s[0xD5] = LABEL;    // br_on_null
        s[0xD6] = LABEL;    // br_on_non_null
        s[0xFB] = PREFIX;
        s[0xFC] = PREFIX;
        s[0xFD] = PREFIX;
        s[0xFE] = PREFIX;

        // 0xFB: GC, and the custom-descriptors additions (32..38).
        byte[] g = GC;
        g[0] = TYPE;       // struct.new
        g[1] = TYPE;       // struct.new_default
        rows(g, 2, 5, TYPE_FIELD); // struct.get, get_s, get_u, set
        g[6] = TYPE;       // array.new
        g[7] = TYPE;       // array.new_default
        g[8] = TYPE_U32;   // array.new_fixed
        g[9] = TYPE_DATA;  // array.new_data
        g[10] = TYPE_ELEM; // array.new_elem
        rows(g, 11, 14, TYPE); // array.get, get_s, get_u, set
        g[15] = NONE;      // array.len
        g[16] = TYPE;      // array.fill
        g[17] = TYPE_TYPE; // array.copy
        g[18] = TYPE_DATA; // array.init_data
        g[19] = TYPE_ELEM; // array.init_elem
        rows(g, 20, 23, HEAPTYPE); // ref.test, ref.test null, ref.cast, ref.cast null
        g[24] = BR_ON_CAST;
        g[25] = BR_ON_CAST; // br_on_cast_fail
        rows(g, 26, 30, NONE); // any.convert_extern, extern.convert_any, ref.i31, i31.get_s/u
        g[32] = TYPE;      // struct.new_desc
        g[33] = TYPE;      // struct.new_default_desc
        g[34] = TYPE;      // ref.get_desc
        g[35] = HEAPTYPE;  // ref.cast_desc_eq
        g[36] = HEAPTYPE;  // ref.cast_desc_eq null
        g[37] = BR_ON_CAST; // br_on_cast_desc_eq
        g[38] = BR_ON_CAST; // br_on_cast_desc_eq_fail

        // 0xFC: saturating truncation, bulk memory, reference types tables, wide arithmetic.
        byte[] m = MISC;
        rows(m, 0, 7, NONE);
        m[8] = MEMORY_INIT;
        m[9] = DATA;        // data.drop
        m[10] = MEMORY_COPY;
        m[11] = MEMORY;     // memory.fill
        m[12] = TABLE_INIT;
        m[13] = ELEM;       // elem.drop
        m[14] = TABLE_COPY;
        m[15] = TABLE;      // table.grow
        m[16] = TABLE;      // table.size
        m[17] = TABLE;      // table.fill
        rows(m, 19, 22, NONE); // i64.add128, i64.sub128, i64.mul_wide_s, i64.mul_wide_u

        // 0xFD: SIMD and relaxed SIMD.
        byte[] v = SIMD;
        rows(v, 0x00, 0x0B, MEMARG); // v128.load .. v128.store
        v[0x0C] = V128;              // v128.const
        v[0x0D] = V128;              // i8x16.shuffle: 16 lane bytes
        rows(v, 0x0E, 0x14, NONE);   // swizzle, splats
        rows(v, 0x15, 0x22, LANE);   // extract/replace lane
        rows(v, 0x23, 0x53, NONE);   // comparisons, bitwise, any_true
        rows(v, 0x54, 0x5B, MEMARG_LANE); // load/store lane
        v[0x5C] = MEMARG;            // v128.load32_zero
        v[0x5D] = MEMARG;            // v128.load64_zero
        rows(v, 0x5E, 0xFF, NONE);   // arithmetic and conversions ...
        for (int reserved : new int[] {0x9A, 0xA2, 0xA5, 0xA6, 0xAF, 0xB0, 0xB2, 0xB3, 0xB4, 0xBB,
                0xC2, 0xC5, 0xC6, 0xCF, 0xD0, 0xD2, 0xD3, 0xD4, 0xE2, 0xEE}) {
            v[reserved] = UNKNOWN;   // ... except the gaps the SIMD proposal leaves unassigned
        }
        rows(v, 0x100, 0x113, NONE); // relaxed SIMD

        // 0xFE: threads.
        byte[] a = ATOMIC;
        rows(a, 0x00, 0x02, MEMARG); // notify, wait32, wait64
        a[0x03] = ZERO_BYTE;         // atomic.fence
        rows(a, 0x10, 0x4E, MEMARG); // atomic loads, stores, read-modify-write
    }

    /*
     * The decoder's fast shapes, derived from SINGLE: for the single-byte opcodes whose
     * immediates are fixed bytes, at most two plain LEB128s or an empty block type, one int
     * says how to skip them. Negative: no fast shape (vectors, prefixes, and the index
     * immediates that must be recorded).
     *
     * The decoder packs every candidate length of the immediates into one int, four bits each
     * (none, the first LEB128, the first two, and the fixed sizes 4, 8 and 1); the low five
     * bits of a shape are the shift that picks the opcode's. A shift is the shortest way from
     * the table load to the next instruction's address, which is what the decoder waits on.
     */
    static final int SHAPE_NO_IMMEDIATE = 0;   // selectors: shifts into the decoder's candidates
    static final int SHAPE_ONE_LEB = 4;
    static final int SHAPE_TWO_LEBS = 8;
    static final int SHAPE_FOUR_BYTES = 12;
    static final int SHAPE_EIGHT_BYTES = 16;
    static final int SHAPE_ONE_BYTE = 20;
    /** The candidates' fixed sizes; the decoder adds the lengths of the first one and two LEB128s. */
    static final int FIXED_LENGTHS = 4 << SHAPE_FOUR_BYTES | 8 << SHAPE_EIGHT_BYTES | 1 << SHAPE_ONE_BYTE;
    static final int SHAPE_EXPECT_40 = 0x40;   // the first immediate byte must be 0x40 (an empty block type)
    static final int SHAPE_MAX_SHIFT = 8;      // longest immediates accepted without range checks
    static final int SHAPE_MASK_SHIFT = 16;    // bits that must be clear in the first immediate byte (after the 0x40 test)
    static final int SHAPE_END_SHIFT = 24;     // `end`: closes a block, or the expression
    static final int SHAPE_OPEN_SHIFT = 25;    // block, loop, if, try: opens one

    /** Every index immediate recorded: calls and global accesses take their own short paths. */
    static final int[] FAST_SHAPE = buildShapes(true, true);
    private static final int[] FAST_SHAPE_FUNCTIONS_ONLY = buildShapes(true, false);
    private static final int[] FAST_SHAPE_GLOBALS_ONLY = buildShapes(false, true);
    private static final int[] FAST_SHAPE_NO_INDICES = buildShapes(false, false);

    /** The shapes for a decoder that records function indices, global indices, both or neither. */
    static int[] fastShapes(boolean functionIndices, boolean globalIndices) {
        if (functionIndices) {
            return globalIndices ? FAST_SHAPE : FAST_SHAPE_FUNCTIONS_ONLY;
        }
        return globalIndices ? FAST_SHAPE_GLOBALS_ONLY : FAST_SHAPE_NO_INDICES;
    }

    private static int shape(int select, int maxLength, int firstByteMask) {
        return select | maxLength << SHAPE_MAX_SHIFT | firstByteMask << SHAPE_MASK_SHIFT;
    }

    private static int[] buildShapes(boolean recordFunctions, boolean recordGlobals) {
        // A LEB128 of at most 4 bytes (32-bit) or 7 bytes (64-bit) is in range whatever its
        // bits; longer ones take the checked path.
        int u32 = shape(SHAPE_ONE_LEB, 4, 0);
        int[] shapes = new int[256];
        for (int op = 0; op < 256; op++) {
            shapes[op] = switch (SINGLE[op]) {
                case NONE -> shape(SHAPE_NO_IMMEDIATE, 0, 0) | (op == END ? 1 << SHAPE_END_SHIFT : 0);
                case LOCAL, I32 -> u32;
                case FUNC -> recordFunctions ? -1 : u32;
                case GLOBAL -> recordGlobals ? -1 : u32;
                case LABEL -> op == DELEGATE ? -1 : u32; // delegate also closes its try
                case I64 -> shape(SHAPE_ONE_LEB, 7, 0);
                case F32 -> shape(SHAPE_FOUR_BYTES, 4, 0);
                case F64 -> shape(SHAPE_EIGHT_BYTES, 8, 0);
                // alignment < 64 in one byte (no memory index), offset ≤ 7 bytes
                case MEMARG -> shape(SHAPE_TWO_LEBS, 8, 0xC0);
                case BLOCK -> shape(SHAPE_ONE_BYTE, 1, 0xFF) | SHAPE_EXPECT_40 | 1 << SHAPE_OPEN_SHIFT;
                default -> -1;
            };
        }
        return shapes;
    }

    /** The table of a prefix byte. */
    static byte[] table(int prefix) {
        return switch (prefix) {
            case 0xFB -> GC;
            case 0xFC -> MISC;
            case 0xFD -> SIMD;
            default -> ATOMIC;
        };
    }

    /** The code of a prefixed opcode as the instruction reader reports it. */
    public static int prefixed(int prefix, int sub) {
        return prefix << 16 | sub;
    }

    /** Printable opcode, e.g. {@code 0x10} or {@code 0xfc 8}. */
    public static String describe(int code) {
        if (code > 0xFF) {
            return String.format("0x%x %d", code >>> 16, code & 0xFFFF);
        }
        return String.format("0x%02x", code);
    }
}
