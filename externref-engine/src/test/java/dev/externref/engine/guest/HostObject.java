package dev.externref.engine.guest;

import java.nio.charset.StandardCharsets;

/**
 * A host object as SCENARIO.md defines it: a tag (its contents) and a label that names this very
 * object in events. Identity matters: the scenario checks that the module hands back the same
 * object, so this class keeps {@link Object#equals} (and labels are unique per host).
 */
final class HostObject {
    private final String tag;
    private final String label;

    HostObject(String tag, String label) {
        this.tag = tag;
        this.label = label;
    }

    String tag() {
        return tag;
    }

    String label() {
        return label;
    }

    /** The UTF-8 byte length of the tag. */
    int tagLength() {
        return tag.getBytes(StandardCharsets.UTF_8).length;
    }

    /** The label, or {@code null} for null. */
    static String labelOf(HostObject o) {
        return o == null ? "null" : o.label;
    }

    @Override
    public String toString() {
        return label;
    }
}
