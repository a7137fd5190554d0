package dev.externref.engine.format;

/**
 * The instruction table: for every opcode, the layout of its immediates and, where the opcode
 * fixes it, its stack effect (how many operands it pops and results it pushes). Decoding is
 * driven by these rows alone, and so is the reference analysis of the instructions it does not
 * model one by one; a proposal adds rows, not code. Opcodes without a row are unknown and
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

    /*
     * The stack-effect column of the same rows, one array per table: 1 + (pops << 4 | pushes),
     * or 0 where the effect is not fixed by the opcode (blocks, branches, calls, whose arity
     * comes from a type; GC instructions, which no analysis models yet). Types are left out:
     * what an analysis of references needs is how many values an instruction takes and gives.
     */
    private static final byte[] SINGLE_EFFECT = new byte[SINGLE.length];
    private static final byte[] GC_EFFECT = new byte[GC.length];
    private static final byte[] MISC_EFFECT = new byte[MISC.length];
    private static final byte[] SIMD_EFFECT = new byte[SIMD.length];
    private static final byte[] ATOMIC_EFFECT = new byte[ATOMIC.length];

    /** {@link #stackEffect} of an instruction whose pops and pushes depend on its immediates or on types. */
    public static final int NO_STACK_EFFECT = -1;

    private static void rows(byte[] table, int from, int to, byte kind) {
        for (int op = from; op <= to; op++) {
            table[op] = kind;
        }
    }

    /** Rows with a fixed stack effect: {@code pops} operands in, {@code pushes} results out. */
    private static void rows(byte[] table, int from, int to, byte kind, int pops, int pushes) {
        rows(table, from, to, kind);
        byte[] effects = effects(table);
        for (int op = from; op <= to; op++) {
            effects[op] = (byte) (1 + (pops << 4 | pushes));
        }
    }

    private static void row(byte[] table, int op, byte kind, int pops, int pushes) {
        rows(table, op, op, kind, pops, pushes);
    }

    private static byte[] effects(byte[] table) {
        return table == SINGLE ? SINGLE_EFFECT : table == GC ? GC_EFFECT : table == MISC ? MISC_EFFECT
                : table == SIMD ? SIMD_EFFECT : ATOMIC_EFFECT;
    }

    static {
        // Control, calls and locals: no fixed effect where it comes from a type or a label.
        byte[] s = SINGLE;
        s[0x00] = NONE; // unreachable
        row(s, 0x01, NONE, 0, 0); // nop
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
        row(s, 0x1A, NONE, 1, 0);     // drop
        row(s, 0x1B, NONE, 3, 1);     // select
        row(s, 0x1C, SELECT_T, 3, 1); // select t*
        s[0x1F] = TRY_TABLE;
        row(s, 0x20, LOCAL, 0, 1);  // local.get
        row(s, 0x21, LOCAL, 1, 0);  // local.set
        row(s, 0x22, LOCAL, 1, 1);  // local.tee
        row(s, 0x23, GLOBAL, 0, 1); // global.get
        row(s, 0x24, GLOBAL, 1, 0); // global.set
        row(s, 0x25, TABLE, 1, 1);  // table.get
        row(s, 0x26, TABLE, 2, 0);  // table.set
        rows(s, 0x28, 0x35, MEMARG, 1, 1); // loads
        rows(s, 0x36, 0x3E, MEMARG, 2, 0); // stores
        row(s, 0x3F, MEMORY, 0, 1); // memory.size
        row(s, 0x40, MEMORY, 1, 1); // memory.grow
        row(s, 0x41, I32, 0, 1);
        row(s, 0x42, I64, 0, 1);
        row(s, 0x43, F32, 0, 1);
        row(s, 0x44, F64, 0, 1);
        // Numeric, incl. sign extension 0xC0..0xC4.
        row(s, 0x45, NONE, 1, 1);             // i32.eqz
        rows(s, 0x46, 0x4F, NONE, 2, 1);      // i32 comparisons
        row(s, 0x50, NONE, 1, 1);             // i64.eqz
        rows(s, 0x51, 0x66, NONE, 2, 1);      // i64, f32, f64 comparisons
        rows(s, 0x67, 0x69, NONE, 1, 1);      // i32.clz, ctz, popcnt
        rows(s, 0x6A, 0x78, NONE, 2, 1);      // i32 arithmetic
        rows(s, 0x79, 0x7B, NONE, 1, 1);      // i64.clz, ctz, popcnt
        rows(s, 0x7C, 0x8A, NONE, 2, 1);      // i64 arithmetic
        rows(s, 0x8B, 0x91, NONE, 1, 1);      // f32 abs .. sqrt
        rows(s, 0x92, 0x98, NONE, 2, 1);      // f32 add .. copysign
        rows(s, 0x99, 0x9F, NONE, 1, 1);      // f64 abs .. sqrt
        rows(s, 0xA0, 0xA6, NONE, 2, 1);      // f64 add .. copysign
        rows(s, 0xA7, 0xC4, NONE, 1, 1);      // conversions, reinterpretations, sign extension
        row(s, 0xD0, HEAPTYPE, 0, 1); // ref.null
        row(s, 0xD1, NONE, 1, 1);     // ref.is_null
        row(s, 0xD2, FUNC, 0, 1);     // ref.func
        row(s, 0xD3, NONE, 2, 1);     // ref.eq
        row(s, 0xD4, NONE, 1, 1);     // ref.as_non_null
        s[0xD5] = LABEL;    // br_on_null
        s[0xD6] = LABEL;    // br_on_non_null
        s[0xFB] = PREFIX;
        s[0xFC] = PREFIX;
        s[0xFD] = PREFIX;
        s[0xFE] = PREFIX;

        // 0xFB: GC, and the custom-descriptors additions (32..38). No stack effects: the
        // reference analysis does not model GC values, and rejects these instructions.
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
        rows(m, 0, 7, NONE, 1, 1);     // i32/i64.trunc_sat_*
        row(m, 8, MEMORY_INIT, 3, 0);  // memory.init
        row(m, 9, DATA, 0, 0);         // data.drop
        row(m, 10, MEMORY_COPY, 3, 0); // memory.copy
        row(m, 11, MEMORY, 3, 0);      // memory.fill
        row(m, 12, TABLE_INIT, 3, 0);  // table.init
        row(m, 13, ELEM, 0, 0);        // elem.drop
        row(m, 14, TABLE_COPY, 3, 0);  // table.copy
        row(m, 15, TABLE, 2, 1);       // table.grow
        row(m, 16, TABLE, 0, 1);       // table.size
        row(m, 17, TABLE, 3, 0);       // table.fill
        rows(m, 19, 20, NONE, 4, 2);   // i64.add128, i64.sub128
        rows(m, 21, 22, NONE, 2, 2);   // i64.mul_wide_s, i64.mul_wide_u

        // 0xFD: SIMD and relaxed SIMD.
        byte[] v = SIMD;
        rows(v, 0x00, 0x0A, MEMARG, 1, 1);  // v128.load, load*x*, load*_splat
        row(v, 0x0B, MEMARG, 2, 0);         // v128.store
        row(v, 0x0C, V128, 0, 1);           // v128.const
        row(v, 0x0D, V128, 2, 1);           // i8x16.shuffle: 16 lane bytes
        row(v, 0x0E, NONE, 2, 1);           // i8x16.swizzle
        rows(v, 0x0F, 0x14, NONE, 1, 1);    // splats
        for (int lane = 0x15; lane <= 0x22; lane++) {
            boolean replace = lane == 0x17 || lane == 0x1A || lane == 0x1C || lane == 0x1E || lane == 0x20 || lane == 0x22;
            row(v, lane, LANE, replace ? 2 : 1, 1); // extract_lane / replace_lane
        }
        rows(v, 0x23, 0x4C, NONE, 2, 1);    // comparisons
        row(v, 0x4D, NONE, 1, 1);           // v128.not
        rows(v, 0x4E, 0x51, NONE, 2, 1);    // and, andnot, or, xor
        row(v, 0x52, NONE, 3, 1);           // v128.bitselect
        row(v, 0x53, NONE, 1, 1);           // v128.any_true
        rows(v, 0x54, 0x57, MEMARG_LANE, 2, 1); // load lane
        rows(v, 0x58, 0x5B, MEMARG_LANE, 2, 0); // store lane
        row(v, 0x5C, MEMARG, 1, 1);         // v128.load32_zero
        row(v, 0x5D, MEMARG, 1, 1);         // v128.load64_zero
        // Arithmetic and conversions: unary (1, 1) and binary (2, 1) runs ...
        rows(v, 0x5E, 0x64, NONE, 1, 1);    // demote, promote, i8x16 abs, neg, popcnt, all_true, bitmask
        rows(v, 0x65, 0x66, NONE, 2, 1);    // i8x16.narrow_i16x8_s/u
        rows(v, 0x67, 0x6A, NONE, 1, 1);    // f32x4 ceil, floor, trunc, nearest
        rows(v, 0x6B, 0x73, NONE, 2, 1);    // i8x16 shifts, add, sub (sat)
        rows(v, 0x74, 0x75, NONE, 1, 1);    // f64x2 ceil, floor
        rows(v, 0x76, 0x79, NONE, 2, 1);    // i8x16 min, max
        row(v, 0x7A, NONE, 1, 1);           // f64x2.trunc
        row(v, 0x7B, NONE, 2, 1);           // i8x16.avgr_u
        rows(v, 0x7C, 0x81, NONE, 1, 1);    // extadd_pairwise, i16x8 abs, neg
        row(v, 0x82, NONE, 2, 1);           // i16x8.q15mulr_sat_s
        rows(v, 0x83, 0x84, NONE, 1, 1);    // i16x8 all_true, bitmask
        rows(v, 0x85, 0x86, NONE, 2, 1);    // i16x8.narrow_i32x4_s/u
        rows(v, 0x87, 0x8A, NONE, 1, 1);    // i16x8.extend_*
        rows(v, 0x8B, 0x99, NONE, 2, 1);    // i16x8 shifts, add, sub, mul, min, max
        row(v, 0x94, NONE, 1, 1);           // f64x2.nearest
        rows(v, 0x9B, 0x9F, NONE, 2, 1);    // i16x8 avgr_u, extmul
        rows(v, 0xA0, 0xA1, NONE, 1, 1);    // i32x4 abs, neg
        rows(v, 0xA3, 0xA4, NONE, 1, 1);    // i32x4 all_true, bitmask
        rows(v, 0xA7, 0xAA, NONE, 1, 1);    // i32x4.extend_*
        rows(v, 0xAB, 0xAE, NONE, 2, 1);    // i32x4 shifts, add
        row(v, 0xB1, NONE, 2, 1);           // i32x4.sub
        rows(v, 0xB5, 0xBA, NONE, 2, 1);    // i32x4 mul, min, max, dot
        rows(v, 0xBC, 0xBF, NONE, 2, 1);    // i32x4 extmul
        rows(v, 0xC0, 0xC1, NONE, 1, 1);    // i64x2 abs, neg
        rows(v, 0xC3, 0xC4, NONE, 1, 1);    // i64x2 all_true, bitmask
        rows(v, 0xC7, 0xCA, NONE, 1, 1);    // i64x2.extend_*
        rows(v, 0xCB, 0xCE, NONE, 2, 1);    // i64x2 shifts, add
        row(v, 0xD1, NONE, 2, 1);           // i64x2.sub
        rows(v, 0xD5, 0xDF, NONE, 2, 1);    // i64x2 mul, comparisons, extmul
        rows(v, 0xE0, 0xE1, NONE, 1, 1);    // f32x4 abs, neg
        row(v, 0xE3, NONE, 1, 1);           // f32x4.sqrt
        rows(v, 0xE4, 0xEB, NONE, 2, 1);    // f32x4 add .. pmax
        rows(v, 0xEC, 0xED, NONE, 1, 1);    // f64x2 abs, neg
        row(v, 0xEF, NONE, 1, 1);           // f64x2.sqrt
        rows(v, 0xF0, 0xF7, NONE, 2, 1);    // f64x2 add .. pmax
        rows(v, 0xF8, 0xFF, NONE, 1, 1);    // conversions
        // ... and the gaps the SIMD proposal leaves unassigned (0x9A, 0xA2, 0xA5, 0xA6, 0xAF,
        // 0xB0, 0xB2..0xB4, 0xBB, 0xC2, 0xC5, 0xC6, 0xCF, 0xD0, 0xD2..0xD4, 0xE2, 0xEE) have no row.
        row(v, 0x100, NONE, 2, 1);          // i8x16.relaxed_swizzle
        rows(v, 0x101, 0x104, NONE, 1, 1);  // relaxed_trunc
        rows(v, 0x105, 0x10C, NONE, 3, 1);  // relaxed madd, nmadd, laneselect
        rows(v, 0x10D, 0x112, NONE, 2, 1);  // relaxed min, max, q15mulr, dot
        row(v, 0x113, NONE, 3, 1);          // i32x4.relaxed_dot_i8x16_i7x16_add_s

        // 0xFE: threads.
        byte[] a = ATOMIC;
        row(a, 0x00, MEMARG, 2, 1);          // memory.atomic.notify
        rows(a, 0x01, 0x02, MEMARG, 3, 1);   // memory.atomic.wait32, wait64
        row(a, 0x03, ZERO_BYTE, 0, 0);       // atomic.fence
        rows(a, 0x10, 0x16, MEMARG, 1, 1);   // atomic loads
        rows(a, 0x17, 0x1D, MEMARG, 2, 0);   // atomic stores
        rows(a, 0x1E, 0x47, MEMARG, 2, 1);   // atomic read-modify-write
        rows(a, 0x48, 0x4E, MEMARG, 3, 1);   // atomic compare-exchange
    }

    /**
     * How many operands the instruction {@code code} (as {@link InstructionReader#opcode()})
     * pops and how many results it pushes, packed for {@link #pops} and {@link #pushes}; or
     * {@link #NO_STACK_EFFECT} where the opcode alone does not fix them (blocks, branches, calls,
     * exceptions, GC) or the opcode is unknown.
     */
    public static int stackEffect(int code) {
        byte[] effects;
        int row;
        if (code <= 0xFF) {
            effects = SINGLE_EFFECT;
            row = code;
        } else {
            int prefix = code >>> 16;
            if (prefix < 0xFB || prefix > 0xFE) {
                return NO_STACK_EFFECT;
            }
            effects = effects(table(prefix));
            row = code & 0xFFFF;
        }
        return row >= 0 && row < effects.length ? effects[row] - 1 : NO_STACK_EFFECT;
    }

    /** The operands an instruction pops, from its {@link #stackEffect}. */
    public static int pops(int stackEffect) {
        return stackEffect >>> 4;
    }

    /** The results an instruction pushes, from its {@link #stackEffect}. */
    public static int pushes(int stackEffect) {
        return stackEffect & 0xF;
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

    /**
     * The four tables, built on the first call to {@link #fastShapes}: only the branchless
     * decoder uses them, and a short-lived JVM that never runs it (every module under 16 MB of
     * code) does not build them in the interpreter.
     */
    private static final class FastShapes {
        /** Every index immediate recorded: calls and global accesses take their own short paths. */
        static final int[] ALL_INDICES = buildShapes(true, true);
        static final int[] FUNCTIONS_ONLY = buildShapes(true, false);
        static final int[] GLOBALS_ONLY = buildShapes(false, true);
        static final int[] NO_INDICES = buildShapes(false, false);
    }

    /** The shapes for a decoder that records function indices, global indices, both or neither. */
    static int[] fastShapes(boolean functionIndices, boolean globalIndices) {
        if (functionIndices) {
            return globalIndices ? FastShapes.ALL_INDICES : FastShapes.FUNCTIONS_ONLY;
        }
        return globalIndices ? FastShapes.GLOBALS_ONLY : FastShapes.NO_INDICES;
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
        // Without String.format: the analysis may describe opcodes, and Formatter's set-up is slow
        // in a short-lived JVM.
        if (code > 0xFF) {
            return "0x" + Integer.toHexString(code >>> 16) + " " + (code & 0xFFFF);
        }
        return (code < 0x10 ? "0x0" : "0x") + Integer.toHexString(code);
    }
}
