package dev.externref.engine.format;

/**
 * Value types, heap types and block types, as they appear in sections and instructions. Type
 * indices inside them are recorded in the given {@link IndexRefs} (if any) for renumbering.
 */
final class TypeReader {
    private TypeReader() {
    }

    static ValType valType(ByteReader r, IndexRefs refs) {
        int at = r.pos();
        int b = r.u8();
        switch (b) {
            case 0x7F: return ValType.I32;
            case 0x7E: return ValType.I64;
            case 0x7D: return ValType.F32;
            case 0x7C: return ValType.F64;
            case 0x7B: return ValType.V128;
            case 0x6F: return ValType.EXTERNREF;
            case 0x70: return ValType.FUNCREF;
            default:
                r.pos(at);
                return refType(r, refs, "malformed value type");
        }
    }

    static ValType refType(ByteReader r, IndexRefs refs, String malformed) {
        int at = r.pos();
        int b = r.u8();
        if (b == 0x63 || b == 0x64) {
            long ht = heapType(r, refs);
            if (ht < 0) {
                return new ValType(b, (int) -ht, false, false);
            }
            return new ValType(b, (int) ht, true, (ht & EXACT) != 0);
        }
        if (ValType.isAbstractHeapType(b)) {
            return ValType.simple(b);
        }
        throw r.error(malformed + " 0x" + Integer.toHexString(b), at);
    }

    /** Set in {@link #heapType}'s result for {@code exact} type indices. */
    static final long EXACT = 1L << 40;

    /**
     * A heap type: an abstract heap type byte (returned negated), a type index (s33, recorded as
     * a TYPE reference; returned as the non-negative index), or {@code 0x62 typeidx}, an exact
     * type index (custom descriptors; returned with {@link #EXACT} set).
     */
    static long heapType(ByteReader r, IndexRefs refs) {
        int at = r.pos();
        int b = r.peek();
        if (ValType.isAbstractHeapType(b)) {
            r.u8();
            return -b;
        }
        if (b == 0x62) {
            r.u8();
            return (TypeReader.index(r, refs, IndexSpace.TYPE) & 0xFFFF_FFFFL) | EXACT;
        }
        long idx = r.signed(33);
        if (idx < 0) {
            throw r.error("malformed heap type", at);
        }
        if (refs != null) {
            refs.add(IndexSpace.TYPE, true, (int) idx, at, r.pos());
        }
        return idx;
    }

    /** {@link #blockType}'s result for {@code []} -> {@code []}. */
    static final int BLOCK_EMPTY = -1;
    /** {@link #blockType}'s result for {@code []} -> {@code [t]}. */
    static final int BLOCK_VALUE = -2;

    /**
     * A block type: empty (0x40), a value type, or a type index (s33). Returns
     * {@link #BLOCK_EMPTY}, {@link #BLOCK_VALUE} or the type index.
     */
    static int blockType(ByteReader r, IndexRefs refs) {
        int at = r.pos();
        int b = r.peek();
        if (b == 0x40) {
            r.u8();
            return BLOCK_EMPTY;
        }
        // Value types are single bytes below 0x80; a type index of 64 or more starts with a
        // continuation byte (0x80 and up) and must not be taken for one.
        if ((b >= 0x7B && b <= 0x7F) || ValType.isAbstractHeapType(b) || b == 0x63 || b == 0x64) {
            valType(r, refs);
            return BLOCK_VALUE;
        }
        long idx = r.signed(33);
        if (idx < 0) {
            throw r.error("malformed block type", at);
        }
        if (refs != null) {
            refs.add(IndexSpace.TYPE, true, (int) idx, at, r.pos());
        }
        return (int) idx;
    }

    /** An index immediate (u32) in the given space, recorded for renumbering. */
    static int index(ByteReader r, IndexRefs refs, IndexSpace space) {
        int at = r.pos();
        int v = r.u32();
        if (refs != null) {
            refs.add(space, false, v, at, r.pos());
        }
        return v;
    }
}
