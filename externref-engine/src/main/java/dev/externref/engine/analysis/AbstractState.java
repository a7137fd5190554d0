package dev.externref.engine.analysis;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

import static dev.externref.engine.analysis.RefValue.BOTTOM;
import static dev.externref.engine.analysis.RefValue.CONFLICT;
import static dev.externref.engine.analysis.RefValue.INT;
import static dev.externref.engine.analysis.RefValue.REF;
import static dev.externref.engine.analysis.RefValue.sym;

/**
 * What the analysis knows at one program point besides the operand stack: the {@link RefValue}
 * of every local, the shadow-stack slots that hold references (keys from
 * {@link ShadowStack#slotKey}), and the globals this function has set to an address relative
 * to their own value at entry (a stack pointer moved for a frame: SYM of the global; INT when no
 * longer known). States are copied at every block and merged at every join, so copying is
 * cheap: locals live in chunks shared copy-on-write.
 */
final class AbstractState {
    // Copying a state and merging states that differ in a few locals cost the number of
    // chunks, not of locals, which keeps functions with thousands of locals and blocks
    // near-linear.
    private static final int SHIFT = 6;
    private static final int CHUNK = 1 << SHIFT;
    private static final NavigableMap<Long, Long> NO_SLOTS = Collections.emptyNavigableMap();

    private final int n;
    private long[][] chunks;        // null: an unreachable state that nothing has reached yet (all BOTTOM)
    private boolean[] owned;        // chunk i is this state's own: may be written in place
    /**
     * Slot key to REF or CONFLICT; a slot that is not here holds an integer (or memory never
     * written). Null while empty, as most states' are: a state is made for every block on every
     * pass, and deep nesting keeps them all alive.
     */
    private TreeMap<Long, Long> slots;
    private HashMap<Integer, Long> globals; // null: every global holds its value at entry
    /** Whether some path reaches this point. */
    boolean reachable;

    /** An unreachable state of {@code n} locals that nothing has reached yet. */
    AbstractState(int n) {
        this.n = n;
    }

    /** A copy of {@code o}; they share their locals until either writes one. */
    AbstractState(AbstractState o) {
        n = o.n;
        if (o.chunks != null) {
            chunks = o.chunks.clone();
            owned = new boolean[chunks.length];
            Arrays.fill(o.owned, false);
        }
        slots = o.slots == null || o.slots.isEmpty() ? null : new TreeMap<>(o.slots);
        globals = o.globals == null ? null : new HashMap<>(o.globals);
        reachable = o.reachable;
    }

    /** The slots, read-only (see {@link #slots}). */
    NavigableMap<Long, Long> slots() {
        return slots == null ? NO_SLOTS : slots;
    }

    /** The slots, to be written. */
    TreeMap<Long, Long> writableSlots() {
        if (slots == null) {
            slots = new TreeMap<>();
        }
        return slots;
    }

    long get(int i) {
        return chunks == null ? BOTTOM : chunks[i >>> SHIFT][i & (CHUNK - 1)];
    }

    void set(int i, long v) {
        if (chunks == null) {
            chunks = new long[(n + CHUNK - 1) >>> SHIFT][];
            owned = new boolean[chunks.length];
            for (int c = 0; c < chunks.length; c++) {
                chunks[c] = new long[Math.min(CHUNK, n - (c << SHIFT))]; // the last one as long as needed: most functions have a few locals
                owned[c] = true;
            }
        }
        int c = i >>> SHIFT;
        if (chunks[c][i & (CHUNK - 1)] == v) {
            return;
        }
        if (!owned[c]) {
            chunks[c] = chunks[c].clone();
            owned[c] = true;
        }
        chunks[c][i & (CHUNK - 1)] = v;
    }

    long global(int g) {
        Long v = globals == null ? null : globals.get(g);
        return v == null ? sym(g, 0) : v;
    }

    void setGlobal(int g, long v) {
        if (v == sym(g, 0)) {
            if (globals != null) {
                globals.remove(g);
            }
        } else {
            if (globals == null) {
                globals = new HashMap<>();
            }
            globals.put(g, v);
        }
    }

    /**
     * Merges {@code from} into this state; true if this state changed. A slot that holds a
     * reference on one side only holds a reference on some paths: a conflict.
     */
    boolean mergeFrom(AbstractState from, ShadowStack escapes) {
        if (!from.reachable) {
            return false;
        }
        if (!reachable) {
            if (from.chunks == null) {
                chunks = null;
            } else {
                chunks = from.chunks.clone();
                owned = new boolean[chunks.length];
                Arrays.fill(from.owned, false);
            }
            slots = from.slots == null || from.slots.isEmpty() ? null : new TreeMap<>(from.slots);
            globals = from.globals == null ? null : new HashMap<>(from.globals);
            reachable = true;
            return true;
        }
        boolean c = false;
        if (from.chunks != null && chunks == null) {
            set(0, BOTTOM); // allocates
        }
        for (int k = 0; from.chunks != null && k < chunks.length; k++) {
            long[] mine = chunks[k];
            long[] theirs = from.chunks[k];
            if (mine == theirs) {
                continue; // shared: equal
            }
            int base = k << SHIFT;
            for (int j = 0; j < CHUNK && base + j < n; j++) {
                long v = RefValue.merge(mine[j], theirs[j], escapes);
                if (v != mine[j]) {
                    set(base + j, v);
                    mine = chunks[k];
                    c = true;
                }
            }
        }
        if (from.slots != null) {
            for (Map.Entry<Long, Long> e : from.slots.entrySet()) {
                Long mine = slots().get(e.getKey());
                long v = mine == null ? (e.getValue() == REF ? CONFLICT : e.getValue()) : RefValue.merge(mine, e.getValue(), escapes);
                if (mine == null || v != mine) {
                    writableSlots().put(e.getKey(), v);
                    c = true;
                }
            }
        }
        if (slots != null) {
            for (Map.Entry<Long, Long> e : slots.entrySet()) {
                if (!from.slots().containsKey(e.getKey()) && e.getValue() == REF) {
                    e.setValue(CONFLICT);
                    c = true;
                }
            }
        }
        // A global moved differently on two paths: its value is no longer known.
        if (globals != null || from.globals != null) {
            Set<Integer> moved = new HashSet<>();
            if (globals != null) {
                moved.addAll(globals.keySet());
            }
            if (from.globals != null) {
                moved.addAll(from.globals.keySet());
            }
            for (int g : moved) {
                long mine = global(g);
                if (mine != from.global(g) && mine != INT) {
                    setGlobal(g, INT);
                    c = true;
                }
            }
        }
        return c;
    }
}
