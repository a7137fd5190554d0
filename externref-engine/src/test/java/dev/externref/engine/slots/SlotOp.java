package dev.externref.engine.slots;

/**
 * One host call of the slot guest: {@code ins(object arg)} ({@code arg == -1}: null),
 * {@code get(arg)} or {@code drop(arg)}, with {@code arg} an i32 (any value, also out of range).
 */
record SlotOp(Kind kind, int arg) {
    enum Kind { INSERT, GET, DROP }

    static SlotOp insert(int id) {
        return new SlotOp(Kind.INSERT, id);
    }

    static SlotOp get(int index) {
        return new SlotOp(Kind.GET, index);
    }

    static SlotOp drop(int index) {
        return new SlotOp(Kind.DROP, index);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case INSERT -> arg == SlotOracle.NULL ? "ins(null)" : "ins(o" + arg + ")";
            case GET -> "get(" + arg + ")";
            case DROP -> "drop(" + arg + ")";
        };
    }
}
