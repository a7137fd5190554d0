package dev.externref.engine.transform;

import dev.externref.engine.format.ByteWriter;

/**
 * The bodies of the functions that replace the {@code externref.insert/get/drop} imports,
 * over one table of externrefs. This is the only place that knows the slot algorithm.
 *
 * <p>Slot semantics (docs/ABI.md, "What the engine writes"): {@code insert(null) = -1}; {@code insert(r)} returns an index
 * {@code i >= 0} with {@code get(i) == r} until {@code drop(i)}; {@code get(-1) = null}; live
 * indices never collide; {@code drop} of a free slot does nothing; out-of-range indices trap.
 *
 * <p>The amortized allocator keeps two i32 globals, {@code free} and {@code cursor}.
 * Invariants, holding between calls as long as the host only reads the table:
 * <ul>
 *   <li>{@code free} is the number of null slots in {@code [0, table.size)}: insert decrements
 *       it exactly when it fills a null slot, drop increments it exactly when it clears a
 *       non-null one (so a double drop cannot hand one slot to two references), growth adds
 *       the new null slots;</li>
 *   <li>{@code insert} scans (from {@code cursor}, wrapping) only when
 *       {@code free > size / 4}, so the scan ends, and a full revolution of the cursor, which
 *       costs {@code size} steps, fills every slot that was free when it began: at least
 *       {@code size / 4} inserts. Otherwise the table grows by {@code max(size, 16)} (by one if
 *       that fails; trap if that fails too). Every operation is amortized O(1), and the table
 *       stays below 8/3 of the peak number of live references plus 16.</li>
 * </ul>
 */
final class SlotGlue {
    private static final int EXTERNREF = 0x6F;
    private static final int I32 = 0x7F;
    private static final int MIN_GROWTH = 16;

    /** The amortized allocator; false: the reference processor's lowest-free-slot scan. */
    private final boolean amortized;
    private final int table;
    private final int free;
    private final int cursor;

    /**
     * @param table      the externref table's index
     * @param firstGlobal index of the first of the two globals {@link #globals()} declares
     *                   (used by the amortized allocator only)
     */
    SlotGlue(boolean amortized, int table, int firstGlobal) {
        this.amortized = amortized;
        this.table = table;
        this.free = firstGlobal;
        this.cursor = firstGlobal + 1;
    }

    /** Global section entries the glue needs: {@code free} and {@code cursor}, both mutable i32 = 0. */
    byte[][] globals() {
        if (!amortized) {
            return new byte[0][];
        }
        byte[] zero = {I32, 0x01, 0x41, 0x00, 0x0B};
        return new byte[][] {zero, zero.clone()};
    }

    /** {@code (externref) -> i32}. */
    byte[] insert() {
        return amortized ? amortizedInsert() : linearScanInsert();
    }

    /** {@code (externref) -> i32}; locals: 1 = slot, 2 = table size. */
    private byte[] amortizedInsert() {
        ByteWriter w = new ByteWriter(128);
        w.u8(1).u32(2).u8(I32);
        w.u8(0x20).u32(0).u8(0xD1);                                       // if (ref.is_null r) return -1
        w.u8(0x04).u8(0x40).u8(0x41).s64(-1).u8(0x0F).u8(0x0B);
        w.u8(0xFC).u32(16).u32(table).u8(0x21).u32(2);                    // size = table.size
        w.u8(0x02).u8(0x40);                                              // block $found
        w.u8(0x23).u32(free).u8(0x20).u32(2).u8(0x41).s64(2).u8(0x76).u8(0x4D); //   free <= size >>> 2 ?
        w.u8(0x04).u8(0x40);                                              //   if: grow
        growBy(w, true);                                                  //     slot = table.grow(null, max(size,16)), or by 1
        w.u8(0x20).u32(1).u8(0x41).s64(-1).u8(0x47);                      //     if slot != -1 (grown):
        w.u8(0x04).u8(0x40);
        w.u8(0xFC).u32(16).u32(table).u8(0x20).u32(2).u8(0x6B);           //       free += table.size - size
        w.u8(0x23).u32(free).u8(0x6A).u8(0x24).u32(free);
        w.u8(0x0C).u32(2);                                                //       br $found
        w.u8(0x0B);
        w.u8(0x23).u32(free).u8(0x45);                                    //     the table cannot grow: if free == 0 trap,
        w.u8(0x04).u8(0x40).u8(0x00).u8(0x0B);                            //     else fall through to the scan
        w.u8(0x0B);                                                       //   end if
        w.u8(0x23).u32(cursor).u8(0x21).u32(1);                           //   scan from the cursor: slot = cursor
        w.u8(0x03).u8(0x40);                                              //   loop
        w.u8(0x20).u32(1).u8(0x20).u32(2).u8(0x4F);                       //     if slot >= size: slot = 0
        w.u8(0x04).u8(0x40).u8(0x41).s64(0).u8(0x21).u32(1).u8(0x0B);
        w.u8(0x20).u32(1).u8(0x25).u32(table).u8(0xD1).u8(0x45);          //     if table[slot] != null
        w.u8(0x04).u8(0x40);
        w.u8(0x20).u32(1).u8(0x41).s64(1).u8(0x6A).u8(0x21).u32(1);       //       slot += 1; continue
        w.u8(0x0C).u32(1);
        w.u8(0x0B);
        w.u8(0x0B);                                                       //   end loop
        w.u8(0x0B);                                                       // end block
        w.u8(0x20).u32(1).u8(0x20).u32(0).u8(0x26).u32(table);            // table[slot] = r
        w.u8(0x23).u32(free).u8(0x41).s64(1).u8(0x6B).u8(0x24).u32(free); // free -= 1
        w.u8(0x20).u32(1).u8(0x41).s64(1).u8(0x6A).u8(0x24).u32(cursor);  // cursor = slot + 1
        w.u8(0x20).u32(1);                                                // return slot
        w.u8(0x0B);
        return w.toByteArray();
    }

    /**
     * Grows the table with null slots: by {@code max(size, 16)} when {@code geometric}, falling
     * back to one slot; leaves the old size (or -1) in local 1.
     */
    private void growBy(ByteWriter w, boolean geometric) {
        w.u8(0xD0).u8(EXTERNREF);                                         // table.grow(null, max(size, 16))
        w.u8(0x20).u32(2).u8(0x41).s64(MIN_GROWTH).u8(0x20).u32(2).u8(0x41).s64(MIN_GROWTH).u8(0x4B).u8(0x1B);
        w.u8(0xFC).u32(15).u32(table).u8(0x22).u32(1);
        w.u8(0x41).s64(-1).u8(0x46);                                      // failed: try one slot
        w.u8(0x04).u8(0x40);
        w.u8(0xD0).u8(EXTERNREF).u8(0x41).s64(1).u8(0xFC).u32(15).u32(table).u8(0x21).u32(1);
        w.u8(0x0B);
    }

    /** The reference processor's algorithm; locals: 1 = scan index, 2 = table size. */
    private byte[] linearScanInsert() {
        ByteWriter w = new ByteWriter(96);
        w.u8(1).u32(2).u8(I32);
        w.u8(0x20).u32(0).u8(0xD1);                                       // if (ref.is_null r) return -1
        w.u8(0x04).u8(0x40).u8(0x41).s64(-1).u8(0x0F).u8(0x0B);
        w.u8(0xFC).u32(16).u32(table).u8(0x21).u32(2);                    // size = table.size
        w.u8(0x02).u8(0x40).u8(0x03).u8(0x40);                            // block loop
        w.u8(0x20).u32(1).u8(0x20).u32(2).u8(0x4F).u8(0x0D).u32(1);       //   i >= size: leave
        w.u8(0x20).u32(1).u8(0x25).u32(table).u8(0xD1);                   //   table[i] == null:
        w.u8(0x04).u8(0x40);
        w.u8(0x20).u32(1).u8(0x20).u32(0).u8(0x26).u32(table);            //     table[i] = r; return i
        w.u8(0x20).u32(1).u8(0x0F);
        w.u8(0x0B);
        w.u8(0x20).u32(1).u8(0x41).s64(1).u8(0x6A).u8(0x21).u32(1);       //   i += 1
        w.u8(0x0C).u32(0);
        w.u8(0x0B).u8(0x0B);                                              // end loop, end block
        w.u8(0x20).u32(0).u8(0x41).s64(1).u8(0xFC).u32(15).u32(table);    // i = table.grow(r, 1)
        w.u8(0x22).u32(1).u8(0x41).s64(-1).u8(0x46);                      // == -1: trap
        w.u8(0x04).u8(0x40).u8(0x00).u8(0x0B);
        w.u8(0x20).u32(1);
        w.u8(0x0B);
        return w.toByteArray();
    }

    /** {@code (i32) -> externref}: null for -1, else the slot (trapping out of range). */
    byte[] get() {
        ByteWriter w = new ByteWriter(32);
        w.u8(0);
        w.u8(0x20).u32(0).u8(0x41).s64(-1).u8(0x46);                      // i == -1 ?
        w.u8(0x04).u8(EXTERNREF);
        w.u8(0xD0).u8(EXTERNREF);                                         //   null
        w.u8(0x05);
        w.u8(0x20).u32(0).u8(0x25).u32(table);                            //   table[i]
        w.u8(0x0B).u8(0x0B);
        return w.toByteArray();
    }

    /** {@code (i32) -> ()}; local 1 holds the reference; {@code hook} is a function index or -1. */
    byte[] drop(int hook) {
        ByteWriter w = new ByteWriter(48);
        w.u8(1).u32(1).u8(EXTERNREF);
        w.u8(0x20).u32(0).u8(0x25).u32(table);                           // r = table[i] (traps out of range)
        w.u8(0x22).u32(1).u8(0xD1);                                       // a free slot stays as it is:
        w.u8(0x04).u8(0x40).u8(0x0F).u8(0x0B);                            //   no hook, no count
        if (hook >= 0) {
            w.u8(0x20).u32(1).u8(0x10).u32(hook);                         // hook(r), while r is still in the table
            // A hook that calls back into the module may have dropped this slot already:
            // then it is free and counted, and must not be counted again.
            w.u8(0x20).u32(0).u8(0x25).u32(table).u8(0xD1);
            w.u8(0x04).u8(0x40).u8(0x0F).u8(0x0B);
        }
        w.u8(0x20).u32(0).u8(0xD0).u8(EXTERNREF).u8(0x26).u32(table);     // table[i] = null
        if (amortized) {
            w.u8(0x23).u32(free).u8(0x41).s64(1).u8(0x6A).u8(0x24).u32(free); // free += 1
        }
        w.u8(0x0B);
        return w.toByteArray();
    }
}
