package dev.externref.host;

/**
 * The arguments the guest passed to a host function, converted: the objects at reference
 * positions, boxed numbers elsewhere.
 */
public final class Arguments {
    private final String function;
    private final Object[] values;

    Arguments(String function, Object[] values) {
        this.function = function;
        this.values = values;
    }

    /**
     * The number of arguments.
     *
     * @return the function's parameter count
     */
    public int size() {
        return values.length;
    }

    /**
     * An argument as it came: an object or null at a reference position, a boxed number elsewhere.
     *
     * @param index the parameter's position
     * @return the value
     */
    public Object get(int index) {
        checkIndex(index);
        return values[index];
    }

    /**
     * A reference argument, which must be null or of the given type.
     *
     * @param index the parameter's position
     * @param type  the class the object must be an instance of
     * @param <T>   that class
     * @return the object, or null
     * @throws ClassCastException if it is of another type
     */
    public <T> T ref(int index, Class<T> type) {
        return as(index, type, "a " + type.getName(), true);
    }

    /**
     * An {@code i32} argument.
     *
     * @param index the parameter's position
     * @return its value
     */
    public int i32(int index) {
        return as(index, Integer.class, "an i32", false);
    }

    /**
     * An {@code i64} argument.
     *
     * @param index the parameter's position
     * @return its value
     */
    public long i64(int index) {
        return as(index, Long.class, "an i64", false);
    }

    /**
     * An {@code f32} argument.
     *
     * @param index the parameter's position
     * @return its value
     */
    public float f32(int index) {
        return as(index, Float.class, "an f32", false);
    }

    /**
     * An {@code f64} argument.
     *
     * @param index the parameter's position
     * @return its value
     */
    public double f64(int index) {
        return as(index, Double.class, "an f64", false);
    }

    private <T> T as(int index, Class<T> type, String expected, boolean nullable) {
        Object v = get(index);
        if (v != null && !type.isInstance(v)) {
            throw new ClassCastException("argument " + index + " of " + function + " is a " + v.getClass().getName()
                    + ", not " + expected);
        }
        if (v == null && !nullable) {
            throw new ClassCastException("argument " + index + " of " + function + " is a reference, not " + expected);
        }
        return type.cast(v);
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= values.length) {
            throw new IndexOutOfBoundsException(function + " has " + values.length + " argument(s), not " + (index + 1));
        }
    }

    @Override
    public String toString() {
        return function + java.util.Arrays.toString(values);
    }
}
