package dev.externref.engine.slots;

import dev.externref.engine.SlotAllocator;

import java.util.Arrays;
import java.util.BitSet;

/**
 * The slot algorithms as documented, in Java: which slot {@code insert} picks and how the table
 * grows. {@link SlotAllocator#LINEAR_SCAN}: the lowest free slot, else grow by one.
 * {@link SlotAllocator#AMORTIZED} (SlotGlue's doc comment): a count of free slots and a clock
 * cursor; scan from the cursor (wrapping) only while {@code free > size / 4}, otherwise grow by
 * {@code max(size, 16)}; {@code cursor = slot + 1} after every insert; a drop of a free slot
 * changes nothing.
 *
 * <p>Used to generate interesting operations (it knows the table size and which slots were
 * never used) and as a second, stricter check: the glue must not only keep the slot semantics,
 * it must follow its documented algorithm (which is what makes it amortized O(1)).
 */
final class SlotOracle {
    static final int NULL = -1;
    private static final int MIN_GROWTH = 16;

    private final SlotAllocator allocator;
    private int[] table = new int[16];
    private int size;
    private int free;
    private int cursor;
    private final BitSet everUsed = new BitSet();

    SlotOracle(SlotAllocator allocator) {
        this.allocator = allocator;
    }

    int size() {
        return size;
    }

    /** The object id in a slot, or {@link #NULL}; the slot must be in range. */
    int at(int slot) {
        return table[slot];
    }

    boolean isLive(int slot) {
        return slot >= 0 && slot < size && table[slot] != NULL;
    }

    boolean everUsed(int slot) {
        return everUsed.get(slot);
    }

    /** The slot the documented algorithm gives object {@code id} ({@link #NULL} for a null reference). */
    int insert(int id) {
        if (id == NULL) {
            return NULL;
        }
        int slot = allocator == SlotAllocator.AMORTIZED ? amortizedSlot() : linearScanSlot();
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
            grow(Math.max(size, MIN_GROWTH));
            free += size - old;
            return old;
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
        grow(1);
        return size - 1;
    }

    private void grow(int by) {
        int newSize = size + by;
        if (newSize > table.length) {
            int[] bigger = Arrays.copyOf(table, Math.max(newSize, table.length * 2));
            Arrays.fill(bigger, table.length, bigger.length, NULL);
            table = bigger;
        }
        Arrays.fill(table, size, newSize, NULL);
        size = newSize;
    }

    /** Releases an in-range slot; a free slot stays as it is. Returns the dropped id or {@link #NULL}. */
    int drop(int slot) {
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
