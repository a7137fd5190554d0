package dev.externref.host;

/**
 * The WebAssembly value types a host function or export may have at the boundary, and the Java
 * type each is seen as: {@code Integer}, {@code Long}, {@code Float}, {@code Double}, and any
 * object (or null) for {@code externref}.
 */
public enum ValueKind {
    /** {@code i32}, seen as {@link Integer}. */
    I32,
    /** {@code i64}, seen as {@link Long}. */
    I64,
    /** {@code f32}, seen as {@link Float}. */
    F32,
    /** {@code f64}, seen as {@link Double}. */
    F64,
    /** {@code externref}, seen as the Java object (or null) it stands for. */
    EXTERNREF;

    /** A number as the runtime passes it. */
    long encode(Object value, String where) {
        switch (this) {
            case I32:
                if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
                    return ((Number) value).intValue();
                }
                break;
            case I64:
                if (value instanceof Long || value instanceof Integer) {
                    return ((Number) value).longValue();
                }
                break;
            case F32:
                if (value instanceof Float) {
                    return Float.floatToRawIntBits((Float) value) & 0xFFFF_FFFFL;
                }
                break;
            case F64:
                if (value instanceof Double || value instanceof Float) {
                    return Double.doubleToRawLongBits(((Number) value).doubleValue());
                }
                break;
            default:
                break;
        }
        throw new IllegalArgumentException(where + " is " + (value == null ? "null" : "a " + value.getClass().getName())
                + ", expected " + javaType());
    }

    /** The Java value of a number the runtime passed. */
    Object decode(long raw) {
        switch (this) {
            case I32:
                return (int) raw;
            case I64:
                return raw;
            case F32:
                return Float.intBitsToFloat((int) raw);
            default:
                return Double.longBitsToDouble(raw);
        }
    }

    private String javaType() {
        switch (this) {
            case I32:
                return "an Integer (i32)";
            case I64:
                return "a Long (i64)";
            case F32:
                return "a Float (f32)";
            case F64:
                return "a Double (f64)";
            default:
                return "an object (externref)";
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
