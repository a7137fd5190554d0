package dev.externref.engine.format;

/** A table type; {@code max} is -1 when the table has no maximum. */
public record TableType(ValType elementType, long min, long max, boolean table64) {
    @Override
    public String toString() {
        return elementType + " " + Long.toUnsignedString(min) + (max == -1 ? "" : ".." + Long.toUnsignedString(max));
    }
}
