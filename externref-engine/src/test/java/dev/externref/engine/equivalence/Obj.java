package dev.externref.engine.equivalence;

/**
 * A host object handed to a module as a reference. Compared by identity; the label is unique
 * within a run and is how traces name it, so that the traces of two runs can be compared.
 */
final class Obj {
    final String label;
    final String text;

    Obj(String label, String text) {
        this.label = label;
        this.text = text;
    }

    static String label(Object o) {
        return o == null ? "null" : ((Obj) o).label;
    }

    @Override
    public String toString() {
        return label;
    }
}
