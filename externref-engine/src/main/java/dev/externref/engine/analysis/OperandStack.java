package dev.externref.engine.analysis;

import java.util.Arrays;

import static dev.externref.engine.analysis.RefValue.BOTTOM;

/**
 * The operand stack of the analysis: the {@link RefValue}s of the values an instruction takes
 * and gives. The floor is the height of the innermost control frame: below it, the stack is
 * the frame's parent's, and a pop there finds {@link RefValue#BOTTOM} (the polymorphic stack of
 * unreachable code; on invalid input, which validation rejects anyway).
 */
final class OperandStack {
    private long[] values = new long[16]; // grows; one stack per analysed function, most of which need a few
    private int size;
    private int floor;

    void clear() {
        size = 0;
        floor = 0;
    }

    /** The number of values on the stack, the frames' included. */
    int size() {
        return size;
    }

    /** Drops every value above {@code height}. */
    void truncate(int height) {
        size = height;
    }

    /** Sets the height of the innermost control frame. */
    void floor(int height) {
        floor = height;
    }

    void push(long v) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = v;
    }

    long pop() {
        if (size <= floor) {
            return BOTTOM;
        }
        return values[--size];
    }

    /** Value {@code i} of the {@code n} on top (0: the deepest), without popping; BOTTOM below the floor. */
    long peek(int n, int i) {
        int at = size - n + i;
        return at >= floor ? values[at] : BOTTOM;
    }
}
