package dev.externref.host;

import java.util.ArrayList;
import java.util.List;

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

    /**
     * The kinds of a runtime's value types.
     *
     * @param types        the runtime's types
     * @param runtimeTypes the runtime's {@code i32, i64, f32, f64, externref} types, in this order
     * @param <T>          the runtime's type class
     * @return one kind per type, null for a type without a kind (funcref, v128, ...)
     */
    public static <T> List<ValueKind> kindsOf(List<T> types, List<T> runtimeTypes) {
        List<ValueKind> kinds = new ArrayList<>(types.size());
        for (T t : types) {
            int i = runtimeTypes.indexOf(t);
            kinds.add(i < 0 ? null : values()[i]);
        }
        return kinds;
    }

    /**
     * The runtime's value types of these kinds.
     *
     * @param kinds        the kinds
     * @param runtimeTypes the runtime's {@code i32, i64, f32, f64, externref} types, in this order
     * @param <T>          the runtime's type class
     * @return one type per kind
     */
    public static <T> List<T> typesOf(List<ValueKind> kinds, List<T> runtimeTypes) {
        List<T> types = new ArrayList<>(kinds.size());
        for (ValueKind k : kinds) {
            types.add(runtimeTypes.get(k.ordinal()));
        }
        return types;
    }

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
