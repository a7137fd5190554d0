package dev.externref.engine.slots;

import dev.externref.engine.SlotAllocator;

import java.util.Arrays;
import java.util.BitSet;

/**
 * The slot algorithms as documented, in Java: which slot {@code insert} picks and how the table
 * grows. {@link SlotAllocator#LINEAR_SCAN}: the lowest free slot, else grow by one.
 * {@link SlotAllocator#AMORTIZED} (SlotGlue's doc comment): a count of free slots and a clock
 * cursor; scan from the cursor (wrapping) only while {@code free > size / 4}, otherwise grow by
 * {@code max(size, 16)}, or by one if that fails; if that fails too, scan anyway while a slot is
 * free, and trap only when none is; {@code cursor = slot + 1} after every insert; a drop of a
 * free slot changes nothing. A limit on the table size (an engine's maximum) can be set.
 *
 * <p>Used to generate interesting operations (it knows the table size and which slots were
 * never used) and as a second, stricter check: the glue must not only keep the slot semantics,
 * it must follow its documented algorithm (which is what makes it amortized O(1)).
 */
public final class SlotOracle {
    public static final int NULL = -1;
    /** What {@link #insert} gives when the table is full and cannot grow: the call traps. */
    static final int TRAP = -2;
    private static final int MIN_GROWTH = 16;

    private final SlotAllocator allocator;
    private final int limit;
    private int[] table = new int[16];
    private int size;
    private int free;
    private int cursor;
    private final BitSet everUsed = new BitSet();

    public SlotOracle(SlotAllocator allocator) {
        this(allocator, Integer.MAX_VALUE);
    }

    /** @param limit the most slots the engine lets the table have ({@code table.grow} fails beyond) */
    SlotOracle(SlotAllocator allocator, int limit) {
        this.allocator = allocator;
        this.limit = limit;
    }

    public int size() {
        return size;
    }

    /** The object id in a slot, or {@link #NULL}; the slot must be in range. */
    public int at(int slot) {
        return table[slot];
    }

    boolean isLive(int slot) {
        return slot >= 0 && slot < size && table[slot] != NULL;
    }

    boolean everUsed(int slot) {
        return everUsed.get(slot);
    }

    /**
     * The slot the documented algorithm gives object {@code id}: {@link #NULL} for a null
     * reference, {@link #TRAP} when the table is full and cannot grow.
     */
    public int insert(int id) {
        if (id == NULL) {
            return NULL;
        }
        int slot = allocator == SlotAllocator.AMORTIZED ? amortizedSlot() : linearScanSlot();
        if (slot == TRAP) {
            return TRAP;
        }
        table[slot] = id;
        everUsed.set(slot);
        if (allocator == SlotAllocator.AMORTIZED) {
            free--;
            cursor = slot + 1;
        }
        return slot;
    }

    private int amortizedSlot() {
        if (Integer.compareUnsigned(free, size >>> 2) <= 0) {
            int old = size;
            if (grow(Math.max(size, MIN_GROWTH)) || grow(1)) {
                free += size - old;
                return old;
            }
            if (free == 0) {
                return TRAP;
            }
            // The table cannot grow: scan anyway, there is a free slot.
        }
        int slot = cursor;
        while (true) {
            if (slot >= size) {
                slot = 0;
            }
            if (table[slot] == NULL) {
                return slot;
            }
            slot++;
        }
    }

    private int linearScanSlot() {
        for (int i = 0; i < size; i++) {
            if (table[i] == NULL) {
                return i;
            }
        }
        return grow(1) ? size - 1 : TRAP;
    }

    /** Grows the table by {@code by} null slots, unless that would exceed the limit. */
    private boolean grow(int by) {
        if (by > limit - size) {
            return false;
        }
        int newSize = size + by;
        if (newSize > table.length) {
            int[] bigger = Arrays.copyOf(table, Math.max(newSize, table.length * 2));
            Arrays.fill(bigger, table.length, bigger.length, NULL);
            table = bigger;
        }
        Arrays.fill(table, size, newSize, NULL);
        size = newSize;
        return true;
    }

    /** Releases an in-range slot; a free slot stays as it is. Returns the dropped id or {@link #NULL}. */
    public int drop(int slot) {
        int id = table[slot];
        if (id != NULL) {
            table[slot] = NULL;
            if (allocator == SlotAllocator.AMORTIZED) {
                free++;
            }
        }
        return id;
    }
}
