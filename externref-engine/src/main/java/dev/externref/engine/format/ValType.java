package dev.externref.engine.format;

/**
 * A value type. Numeric and vector types and the abstract reference shorthands are one byte;
 * {@code (ref null? exact? ht)} carries a heap type: an abstract one (its byte) or a type index.
 *
 * @param code      0x7F i32, 0x7E i64, 0x7D f32, 0x7C f64, 0x7B v128, a shorthand byte (0x6F externref, ...),
 *                  or 0x63 {@code (ref null ht)} / 0x64 {@code (ref ht)}
 * @param heapType  for 0x63/0x64: the abstract heap type byte, or the type index when {@code indexed}
 * @param indexed   the heap type is a type index
 * @param exact     {@code exact} (custom descriptors)
 *
 * <p>{@code equals} and {@code hashCode} are written out to keep the record's
 * {@code invokedynamic} bootstrap off a fresh JVM's first run.
 */
public record ValType(int code, int heapType, boolean indexed, boolean exact) {
    public static final ValType I32 = simple(0x7F);
    public static final ValType I64 = simple(0x7E);
    public static final ValType F32 = simple(0x7D);
    public static final ValType F64 = simple(0x7C);
    public static final ValType V128 = simple(0x7B);
    public static final ValType FUNCREF = simple(0x70);
    public static final ValType EXTERNREF = simple(0x6F);

    public static ValType simple(int code) {
        return new ValType(code, 0, false, false);
    }

    /** Abstract heap type bytes and their names. */
    static String heapName(int b) {
        return switch (b) {
            case 0x74 -> "noexn";
            case 0x73 -> "nofunc";
            case 0x72 -> "noextern";
            case 0x71 -> "none";
            case 0x70 -> "func";
            case 0x6F -> "extern";
            case 0x6E -> "any";
            case 0x6D -> "eq";
            case 0x6C -> "i31";
            case 0x6B -> "struct";
            case 0x6A -> "array";
            case 0x69 -> "exn";
            default -> null;
        };
    }

    static boolean isAbstractHeapType(int b) {
        return heapName(b) != null;
    }

    /** Writes this type's binary encoding. */
    public void writeTo(ByteWriter w) {
        if (code != 0x63 && code != 0x64) {
            w.u8(code);
            return;
        }
        w.u8(code);
        if (!indexed) {
            w.u8(heapType);
        } else if (exact) {
            w.u8(0x62).u32(Integer.toUnsignedLong(heapType));
        } else {
            w.s64(Integer.toUnsignedLong(heapType));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ValType t && code == t.code && heapType == t.heapType && indexed == t.indexed
                && exact == t.exact;
    }

    @Override
    public int hashCode() {
        return ((code * 31 + heapType) * 2 + (indexed ? 1 : 0)) * 2 + (exact ? 1 : 0);
    }

    @Override
    public String toString() {
        switch (code) {
            case 0x7F: return "i32";
            case 0x7E: return "i64";
            case 0x7D: return "f32";
            case 0x7C: return "f64";
            case 0x7B: return "v128";
            case 0x63:
            case 0x64: {
                String ht = indexed ? Integer.toUnsignedString(heapType) : heapName(heapType);
                return "(ref " + (code == 0x63 ? "null " : "") + (exact ? "exact " : "") + ht + ")";
            }
            default: {
                String name = heapName(code) + "ref";
                return exact ? "(exact " + name + ")" : name;
            }
        }
    }
}
