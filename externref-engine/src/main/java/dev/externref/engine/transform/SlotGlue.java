package dev.externref.engine.transform;

import dev.externref.engine.format.ByteWriter;

/**
 * The bodies of the functions that replace the {@code externref.insert/get/drop} imports,
 * over one table of externrefs. This is the only place that knows the slot algorithm.
 *
 * <p>Slot semantics (ABI.md): {@code insert(null) = -1}; {@code insert(r)} returns an index
 * {@code i >= 0} with {@code get(i) == r} until {@code drop(i)}; {@code get(-1) = null}; live
 * indices never collide; {@code drop} of a free slot does nothing; out-of-range indices trap.
 *
 * <p>Algorithm (the reference processor's): {@code insert} takes the lowest free slot by a
 * scan and grows the table by one when none is free.
 */
final class SlotGlue {
    private SlotGlue() {
    }

    private static final int EXTERNREF = 0x6F;
    private static final int I32 = 0x7F;

    /** {@code (externref) -> i32}; locals: 1 = scan index, 2 = table size. */
    static byte[] insert(int table) {
        ByteWriter w = new ByteWriter(96);
        w.u8(1).u32(2).u8(I32);                                   // locals: 2 x i32
        w.u8(0x20).u32(0).u8(0xD1);                               // local.get 0; ref.is_null
        w.u8(0x04).u8(0x40).u8(0x41).s64(-1).u8(0x0F).u8(0x0B);   // if  i32.const -1  return  end
        w.u8(0xFC).u32(16).u32(table).u8(0x21).u32(2);            // table.size; local.set 2
        w.u8(0x02).u8(0x40);                                      // block
        w.u8(0x03).u8(0x40);                                      //   loop
        w.u8(0x20).u32(1).u8(0x20).u32(2).u8(0x4F).u8(0x0D).u32(1); // i >= size: br_if 1 (to block end)
        w.u8(0x20).u32(1).u8(0x25).u32(table).u8(0xD1);           //     table.get i; ref.is_null
        w.u8(0x04).u8(0x40);                                      //     if
        w.u8(0x20).u32(1).u8(0x20).u32(0).u8(0x26).u32(table);    //       table.set i ref
        w.u8(0x20).u32(1).u8(0x0F);                               //       return i
        w.u8(0x0B);                                               //     end
        w.u8(0x20).u32(1).u8(0x41).s64(1).u8(0x6A).u8(0x21).u32(1); // i += 1
        w.u8(0x0C).u32(0);                                        //     br 0 (loop)
        w.u8(0x0B).u8(0x0B);                                      //   end loop, end block
        w.u8(0x20).u32(0).u8(0x41).s64(1).u8(0xFC).u32(15).u32(table); // table.grow(ref, 1)
        w.u8(0x22).u32(1).u8(0x41).s64(-1).u8(0x46);              // local.tee 1; == -1
        w.u8(0x04).u8(0x40).u8(0x00).u8(0x0B);                    // if unreachable end
        w.u8(0x20).u32(1);                                        // local.get 1
        w.u8(0x0B);
        return w.toByteArray();
    }

    /** {@code (i32) -> externref}. */
    static byte[] get(int table) {
        ByteWriter w = new ByteWriter(32);
        w.u8(0);                                                  // no locals
        w.u8(0x20).u32(0).u8(0x41).s64(-1).u8(0x46);              // local.get 0; i32.const -1; i32.eq
        w.u8(0x04).u8(EXTERNREF);                                 // if (result externref)
        w.u8(0xD0).u8(EXTERNREF);                                 //   ref.null extern
        w.u8(0x05);                                               // else
        w.u8(0x20).u32(0).u8(0x25).u32(table);                    //   table.get
        w.u8(0x0B).u8(0x0B);
        return w.toByteArray();
    }

    /** {@code (i32) -> ()}; local 1 holds the reference; {@code hook} is a function index or -1. */
    static byte[] drop(int table, int hook) {
        ByteWriter w = new ByteWriter(48);
        w.u8(1).u32(1).u8(EXTERNREF);                             // locals: 1 x externref
        w.u8(0x20).u32(0).u8(0x25).u32(table);                    // table.get i (traps when out of range)
        w.u8(0x22).u32(1).u8(0xD1);                               // local.tee 1; ref.is_null
        w.u8(0x04).u8(0x40).u8(0x0F).u8(0x0B);                    // if return end: a free slot stays as it is
        if (hook >= 0) {
            w.u8(0x20).u32(1).u8(0x10).u32(hook);                 // call the drop hook with the reference
        }
        w.u8(0x20).u32(0).u8(0xD0).u8(EXTERNREF).u8(0x26).u32(table); // table.set i null
        w.u8(0x0B);
        return w.toByteArray();
    }
}
