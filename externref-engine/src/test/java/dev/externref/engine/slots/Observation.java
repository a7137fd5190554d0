package dev.externref.engine.slots;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * What the host saw during one {@link SlotOp}, the same for every engine.
 *
 * @param result  {@code i:SLOT} (insert), {@code g:OBJ} (get), {@code d} (drop returned),
 *                {@code t} (trapped), {@code e} (failed otherwise)
 * @param detail  the trap or error message (not compared between engines)
 * @param hooks   one {@code OBJ} per drop hook call, in order, with a {@code !} appended when
 *                the reference was no longer in the slot being dropped while the hook ran
 * @param size    the table size after the call
 * @param changes the slots whose contents changed during the call, with their new {@code OBJ}
 *
 * {@code OBJ} is an object id ({@code 0, 1, ...}), {@code null}, or {@code ?WHAT} for a value
 * the host never handed to the module.
 */
record Observation(String result, String detail, List<String> hooks, int size, SortedMap<Integer, String> changes) {
    static final String NULL = "null";

    /** The canonical line, also the Node script's output format: result, hooks, size, changes. */
    String line() {
        StringJoiner c = new StringJoiner(",");
        changes.forEach((slot, obj) -> c.add(slot + "=" + obj));
        return result + "\t" + (hooks.isEmpty() ? "-" : String.join(",", hooks)) + "\t" + size + "\t"
                + (changes.isEmpty() ? "-" : c.toString());
    }

    @Override
    public String toString() {
        return line().replace('\t', ' ') + (detail.isEmpty() ? "" : " (" + detail + ")");
    }

    /** Parses a line of slots-model.mjs: {@code RESULT[:detail] TAB HOOKS TAB SIZE TAB CHANGES}. */
    static Observation parse(String line) {
        String[] f = line.split("\t", -1);
        if (f.length != 4) {
            throw new IllegalArgumentException("not an observation: " + line);
        }
        String result = f[0];
        String detail = "";
        if (result.startsWith("t:") || result.startsWith("e:")) {
            detail = result.substring(2);
            result = result.substring(0, 1);
        }
        List<String> hooks = f[1].equals("-") ? List.of() : List.of(f[1].split(","));
        SortedMap<Integer, String> changes = new TreeMap<>();
        if (!f[3].equals("-")) {
            for (String change : f[3].split(",")) {
                int eq = change.indexOf('=');
                changes.put(Integer.parseInt(change.substring(0, eq)), change.substring(eq + 1));
            }
        }
        return new Observation(result, detail, List.copyOf(new ArrayList<>(hooks)), Integer.parseInt(f[2]),
                changes);
    }

    /** Equal as far as engines must agree (trap messages differ between engines). */
    boolean sameAs(Observation other) {
        return line().equals(other.line());
    }

    static String obj(int id) {
        return id == SlotOracle.NULL ? NULL : Integer.toString(id);
    }
}
