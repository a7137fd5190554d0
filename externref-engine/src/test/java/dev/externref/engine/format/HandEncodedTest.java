package dev.externref.engine.format;

import dev.externref.engine.testing.Node;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.IntUnaryOperator;

import static dev.externref.engine.format.ModuleBuilder.body;
import static dev.externref.engine.format.ModuleBuilder.bytes;
import static dev.externref.engine.format.ModuleBuilder.concat;
import static dev.externref.engine.format.ModuleBuilder.padded;
import static dev.externref.engine.format.Opcodes.prefixed;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Modules encoded by hand, for what the WAT assembler cannot write: tail calls, exceptions
 * (legacy and {@code try_table}), GC, threads, memory64 and multi-memory memory arguments, and
 * padded LEB128 immediates as rustc emits them. Each round-trips byte for byte and keeps its
 * code under an inserted import, with the renumbered immediates checked one by one. Node 20
 * knows tail calls, legacy exceptions and threads, so those modules must validate there before
 * and after.
 */
class HandEncodedTest {
    static final int I32 = 0x7F;
    static final int I64 = 0x7E;
    static final int[] NONE = {};

    /** Identity and self-mapping round trips, and the inserted import; returns the module with it. */
    static WasmModule roundTripAndInsert(byte[] module) {
        RoundTrips.assertSameBytes(module, RoundTrips.fullRoundTrip(module, IndexRemap.IDENTITY), "identity");
        RoundTrips.assertSameBytes(module, RoundTrips.fullRoundTrip(module, RoundTrips.SELF_EVERYWHERE), "every index to itself");
        WasmModule before = WasmModule.parse(module);
        WasmModule after = WasmModule.parse(RoundTrips.insertImport(before));
        after.decodeAllBodies();
        int k = before.importedFunctionCount();
        Bodies.assertFunctionIndicesRenumbered(before, after, f -> f >= k ? f + 1 : f);
        RoundTrips.assertSameBytes(module, ShiftRemapTest.withoutEmptySectionsAbsentFrom(before, RoundTrips.removeInsertedImport(after)),
                "insert then remove");
        return after;
    }

    /** Each instruction's {@code (opcode, index, index2, constant, width)}, for one defined function. */
    record Insn(int op, int index, int index2, long constant, int width) {
    }

    static List<Insn> code(WasmModule m, int definedIndex) {
        InstructionReader r = InstructionReader.over(m.bytes(), m.decodeBody(definedIndex).codeStart(), m.bodyEnd(definedIndex));
        List<Insn> out = new java.util.ArrayList<>();
        while (r.hasNext()) {
            int op = r.next();
            out.add(new Insn(op, r.index(), r.index2(), r.constant(), r.end() - r.start()));
        }
        return out;
    }

    static Insn first(List<Insn> code, int op) {
        return code.stream().filter(i -> i.op() == op).findFirst().orElseThrow(() -> new AssertionError("no " + Opcodes.describe(op)));
    }

    /** Runs the exports on Chicory (which validates these proposals) before and after; same results. */
    static void assertRunsTheSame(byte[] before, byte[] after) {
        var env = new com.dylibso.chicory.runtime.HostFunction("env", "g",
                com.dylibso.chicory.wasm.types.FunctionType.empty(), (inst, args) -> null);
        List<String> ran = ChicoryRuns.runAllExports(before,
                com.dylibso.chicory.runtime.ImportValues.builder().addFunction(env).build());
        var added = new com.dylibso.chicory.runtime.HostFunction("added", "f",
                com.dylibso.chicory.wasm.types.FunctionType.empty(), (inst, args) -> {
                    throw new AssertionError("never called");
                });
        assertEquals(ran, ChicoryRuns.runAllExports(after,
                com.dylibso.chicory.runtime.ImportValues.builder().addFunction(env, added).build()));
        assertTrue(ChicoryRuns.normalReturns(ran) > 0, () -> "something ran: " + ran);
    }

    static void assertValidInNode(byte[]... modules) {
        List<Node.Validation> verdicts = Node.validateBytes(List.of(modules));
        for (int i = 0; i < verdicts.size(); i++) {
            assertTrue(verdicts.get(i).valid(), "module " + i + " in V8: " + verdicts.get(i));
        }
    }

    // ------------------------------------------------------------------ tail calls, padded LEBs

    static byte[] tailCalls() {
        return new ModuleBuilder()
                .funcType(new int[] {I32}, new int[] {I32})     // type 0
                .funcType(NONE, NONE)                           // type 1
                .importFunction("env", "g", 1)                  // function 0
                // function 1: countdown by return_call
                .function(0, body(bytes(0x20, 0x00, 0x45, 0x04, I32, 0x41, 0x2A, 0x05, 0x20, 0x00, 0x41, 0x01, 0x6B,
                        0x12, 0x01, 0x0B, 0x0B)))
                // function 2: return_call_indirect type 0, table 0, through slot 0
                .function(0, body(bytes(0x20, 0x00, 0x41, 0x00, 0x13, 0x00, 0x00, 0x0B)))
                // function 3: call 1 with the index padded to 5 bytes, as rustc emits relocatable calls
                .function(0, body(bytes(0x20, 0x00, 0x10), padded(1, 5), bytes(0x0B)))
                .table(bytes(0x70, 0x00, 0x01))
                .export("countdown", 0, 1)
                .export("indirect", 0, 2)
                .export("padded", 0, 3)
                .element(bytes(0x00, 0x41, 0x00, 0x0B, 0x01, 0x01))
                .build();
    }

    @Test
    void tailCallsAndPaddedCallIndices() {
        byte[] module = tailCalls();
        WasmModule after = roundTripAndInsert(module);
        assertEquals(2, first(code(after, 0), Opcodes.RETURN_CALL).index(), "return_call 1 -> 2");
        Insn call = first(code(after, 2), Opcodes.CALL);
        assertEquals(2, call.index(), "call 1 -> 2");
        assertEquals(6, call.width(), "the padded 5-byte index keeps its width");
        byte[] out = after.bytes();
        int at = after.decodeBody(2).codeStart() + 2;
        assertArrayEquals(concat(bytes(0x10), padded(2, 5)), java.util.Arrays.copyOfRange(out, at, at + 6));
        Section elem = after.section(Section.ELEMENT);
        assertEquals(2, out[elem.end() - 1], "the element segment's function index moved too");
        assertValidInNode(module, after.bytes());
        assertRunsTheSame(module, after.bytes());
    }

    @Test
    void paddedIndicesGrowOnlyWhenTheyMustAndMinimalOnesWiden() {
        // 5-byte padded: room for any u32. A 1-byte index pushed past 127 needs 2 bytes.
        byte[] module = tailCalls();
        WasmModule m = WasmModule.parse(module);
        WasmModule out = WasmModule.parse(ModuleWriter.write(m, IndexRemap.shift(IndexSpace.FUNCTION, 1, 200)));
        out.decodeAllBodies();
        Insn call = first(code(out, 2), Opcodes.CALL);
        assertEquals(201, call.index());
        assertEquals(6, call.width(), "still 5 bytes of index");
        Insn tail = first(code(out, 0), Opcodes.RETURN_CALL);
        assertEquals(201, tail.index());
        assertEquals(3, tail.width(), "1-byte index widened to 2");
        assertEquals(201, out.exports().get(0).index());
    }

    // ------------------------------------------------------------------ exceptions

    static byte[] legacyExceptions() {
        return new ModuleBuilder()
                .funcType(NONE, NONE)                          // type 0
                .funcType(new int[] {I32}, NONE)               // type 1: the tags' payload
                .funcType(new int[] {I32}, new int[] {I32})    // type 2
                .importFunction("env", "g", 0)                 // function 0
                .importRaw("env", "e", bytes(0x04, 0x00, 0x01)) // tag 0 (imported)
                .tag(1)                                        // tag 1
                // function 1: try (result i32) local.get 0 throw 1 catch 1 catch_all i32.const -1 end
                .function(2, body(bytes(0x06, I32, 0x20, 0x00, 0x08, 0x01, 0x07, 0x01, 0x19, 0x41, 0x7F, 0x0B, 0x0B)))
                // function 2: an inner try delegating to the outer one, which catches tag 1 and adds 1
                .function(2, body(bytes(0x06, I32, 0x06, I32, 0x20, 0x00, 0x08, 0x01, 0x18, 0x00,
                        0x07, 0x01, 0x41, 0x01, 0x6A, 0x0B, 0x0B)))
                // function 3: catch_all + rethrow, caught by the outer catch of tag 1; calls the import first
                .function(2, body(bytes(0x10, 0x00, 0x06, I32, 0x06, 0x40, 0x20, 0x00, 0x08, 0x01, 0x19, 0x09, 0x00, 0x0B,
                        0x41, 0x00, 0x07, 0x01, 0x0B, 0x0B)))
                .export("catch", 0, 1)
                .export("delegate", 0, 2)
                .export("rethrow", 0, 3)
                .export("tag", 4, 1)
                .build();
    }

    @Test
    void legacyExceptions_tagsAndFunctionsMove() {
        byte[] module = legacyExceptions();
        WasmModule after = roundTripAndInsert(module);
        assertEquals(0, first(code(after, 2), Opcodes.CALL).index(), "the imported function keeps its index");
        assertValidInNode(module, after.bytes());

        IntUnaryOperator tagShift = t -> t >= 1 ? t + 1 : t;
        WasmModule tags = WasmModule.parse(ModuleWriter.write(WasmModule.parse(module), IndexRemap.shift(IndexSpace.TAG, 1, 1)));
        tags.decodeAllBodies();
        for (int f = 0; f < 3; f++) {
            for (Insn i : code(tags, f)) {
                if (i.op() == Opcodes.THROW || i.op() == Opcodes.CATCH) {
                    assertEquals(tagShift.applyAsInt(1), i.index(), Opcodes.describe(i.op()) + " names tag 1, now 2");
                }
                if (i.op() == Opcodes.RETHROW || i.op() == Opcodes.DELEGATE) {
                    assertEquals(0, i.index(), "labels do not move");
                }
            }
        }
        assertEquals(2, tags.exports().get(3).index(), "the tag export");
    }

    static byte[] tryTable() {
        return new ModuleBuilder()
                .funcType(new int[] {I32}, NONE)               // type 0: payload
                .funcType(new int[] {I32}, new int[] {I32})    // type 1
                .tag(0)                                        // tag 0
                .tag(0)                                        // tag 1
                // function 0: block (result i32) try_table (result i32) (catch 1 0) local.get 0 throw 1 end end
                .function(1, body(bytes(0x02, I32, 0x1F, I32, 0x01, 0x00, 0x01, 0x00, 0x20, 0x00, 0x08, 0x01, 0x0B, 0x0B, 0x0B)))
                // function 1: catch_all_ref into a block of exnref, then throw_ref; calls function 0 first
                .function(1, body(bytes(0x20, 0x00, 0x10, 0x00, 0x1A,
                        0x02, 0x69, 0x1F, 0x40, 0x01, 0x03, 0x00, 0x20, 0x00, 0x08, 0x00, 0x0B,
                        0xD0, 0x69, 0x0B, 0x0A, 0x0B)))
                .export("catch", 0, 0)
                .export("rethrow", 0, 1)
                .build();
    }

    @Test
    void tryTable_catchClauseTagsMove() {
        byte[] module = tryTable();
        WasmModule after = roundTripAndInsert(module);
        assertEquals(1, first(code(after, 1), Opcodes.CALL).index(), "call 0 -> 1");
        assertRunsTheSame(module, after.bytes());

        byte[] tags = ModuleWriter.write(WasmModule.parse(module), IndexRemap.shift(IndexSpace.TAG, 0, 5));
        WasmModule t = WasmModule.parse(tags);
        t.decodeAllBodies();
        // try_table's clauses: (catch 1 0) in function 0: the tag moves, kind and label do not;
        // (catch_all_ref 0) in function 1 has no tag.
        int tt0 = t.decodeBody(0).codeStart() + 2;
        assertArrayEquals(bytes(0x1F, I32, 0x01, 0x00, 0x06, 0x00), java.util.Arrays.copyOfRange(tags, tt0, tt0 + 6));
        int tt1 = t.decodeBody(1).codeStart() + 7;
        assertArrayEquals(bytes(0x1F, 0x40, 0x01, 0x03, 0x00), java.util.Arrays.copyOfRange(tags, tt1, tt1 + 5));
        assertEquals(6, first(code(t, 0), Opcodes.THROW).index());
        assertEquals(5, first(code(t, 1), Opcodes.THROW).index());
    }

    // ------------------------------------------------------------------ GC

    static byte[] gc() {
        return new ModuleBuilder()
                .type(bytes(0x5F, 0x01, I32, 0x01))                     // type 0: struct (mut i32)
                .type(bytes(0x5E, I32, 0x01))                           // type 1: array (mut i32)
                .funcType(new int[] {I32}, new int[] {I32})             // type 2
                .type(bytes(0x4E, 0x02, 0x50, 0x00, 0x5F, 0x01, I32, 0x00, // rec: type 3 = sub struct i32
                        0x4F, 0x01, 0x03, 0x5F, 0x01, I32, 0x00))        //      type 4 = sub final 3
                .function(2, body(bytes(
                        0x20, 0x00, 0xFB, 0x00, 0x00,                  // local.get 0; struct.new 0
                        0xFB, 0x02, 0x00, 0x00,                        // struct.get 0 0
                        0x41, 0x05, 0x41, 0x07, 0xFB, 0x08, 0x01, 0x02, // array.new_fixed 1 2
                        0xFB, 0x0F, 0x6A,                              // array.len; i32.add
                        0x41, 0x09, 0xFB, 0x00, 0x04, 0xFB, 0x14, 0x03, 0x6A, // struct.new 4; ref.test (ref 3); i32.add
                        0x02, 0x64, 0x04,                              // block (result (ref 4))
                        0x41, 0x03, 0xFB, 0x00, 0x04,                  //   struct.new 4
                        0xFB, 0x18, 0x00, 0x00, 0x03, 0x04,            //   br_on_cast 0 (ref 3) (ref 4)
                        0x1A, 0x41, 0x00, 0xFB, 0x00, 0x04,            //   drop; struct.new 4
                        0x0B,                                          // end
                        0xFB, 0x16, 0x03, 0xFB, 0x02, 0x03, 0x00, 0x6A, // ref.cast (ref 3); struct.get 3 0; i32.add
                        0x0B)))
                .export("gc", 0, 0)
                .build();
    }

    @Test
    void gc_typeIndicesMoveInEveryInstructionAndType() {
        byte[] module = gc();
        assertRunsTheSame(module, roundTripAndInsert(module).bytes());
        byte[] out = ModuleWriter.write(WasmModule.parse(module), IndexRemap.shift(IndexSpace.TYPE, 3, 10));
        WasmModule m = WasmModule.parse(out);
        m.decodeAllBodies();
        List<Insn> code = code(m, 0);
        int structNew = prefixed(0xFB, 0);
        assertEquals(List.of(0, 14, 14, 14), code.stream().filter(i -> i.op() == structNew).map(Insn::index).toList());
        assertEquals(13, first(code, prefixed(0xFB, 20)).constant(), "ref.test (ref 3)");
        assertEquals(13, first(code, prefixed(0xFB, 22)).constant(), "ref.cast (ref 3)");
        assertEquals(1, first(code, prefixed(0xFB, 8)).index(), "array.new_fixed 1 stays");
        int brOnCast = m.decodeBody(0).codeStart();
        Insn cast = first(code, prefixed(0xFB, 24));
        assertEquals(0, cast.index(), "br_on_cast's label stays");
        // Inside the rec group, type 4's supertype 3 is now 13.
        Section types = m.section(Section.TYPE);
        int rec = types.entryStart(3);
        assertArrayEquals(bytes(0x4E, 0x02, 0x50, 0x00, 0x5F, 0x01, I32, 0x00, 0x4F, 0x01, 13, 0x5F, 0x01, I32, 0x00),
                java.util.Arrays.copyOfRange(out, rec, rec + 15));
        assertTrue(brOnCast > 0);
    }

    // ------------------------------------------------------------------ threads, memory64, multi-memory

    static byte[] atomics() {
        return new ModuleBuilder()
                .funcType(new int[] {I32}, new int[] {I32})
                .memory(bytes(0x03, 0x01, 0x01))                        // shared, 1..1 pages
                .function(0, body(bytes(
                        0x41, 0x00, 0x20, 0x00, 0xFE, 0x1E, 0x02, 0x00, 0x1A, // i32.atomic.rmw.add; drop
                        0xFE, 0x03, 0x00,                                      // atomic.fence
                        0x41, 0x00, 0xFE, 0x10, 0x02, 0x00,                    // i32.atomic.load
                        0x41, 0x04, 0x41, 0x01, 0xFE, 0x00, 0x02, 0x00,        // memory.atomic.notify
                        0x6A, 0x0B)))
                .function(0, body(bytes(0x20, 0x00, 0x10, 0x00, 0x0B)))       // calls function 0
                .export("atomic", 0, 0)
                .export("call", 0, 1)
                .build();
    }

    @Test
    void atomicsKeepTheirMemargsAndCallsMove() {
        byte[] module = atomics();
        WasmModule after = roundTripAndInsert(module);
        assertEquals(1, first(code(after, 1), Opcodes.CALL).index());
        assertValidInNode(module, after.bytes());
        assertRunsTheSame(module, after.bytes());
    }

    static byte[] memory64AndMultiMemory() {
        return new ModuleBuilder()
                .funcType(NONE, new int[] {I64})
                .memory(bytes(0x04, 0x01))                              // memory 0: i64 addresses
                .memory(bytes(0x00, 0x01))                              // memory 1
                .function(0, body(bytes(0x42, 0x00, 0x29, 0x03, 0x80, 0x80, 0x80, 0x80, 0x10, // i64.load offset=2^32
                        0x1A,
                        0x41, 0x00, 0x28, 0x42, 0x01, 0x08,             // i32.load memory 1 offset=8 (memidx flag 0x40)
                        0x1A,
                        0x41, 0x00, 0x42, 0x05, 0x37, 0x43, 0x01, 0x00,  // i64.store memory 1
                        0x42, 0x00, 0x0B)))
                .export("m", 0, 0)
                .build();
    }

    @Test
    void memory64OffsetsAndMemoryIndicesInMemargs() {
        byte[] module = memory64AndMultiMemory();
        roundTripAndInsert(module);
        WasmModule m = WasmModule.parse(module);
        List<Insn> code = code(m, 0);
        assertEquals(1L << 32, first(code, 0x29).constant(), "u64 offset");
        byte[] out = ModuleWriter.write(m, IndexRemap.shift(IndexSpace.MEMORY, 1, 1));
        WasmModule o = WasmModule.parse(out);
        List<Insn> moved = code(o, 0);
        assertEquals(0, first(moved, 0x29).index(), "implicit memory 0");
        assertEquals(2, first(moved, 0x28).index(), "i32.load memory 1 -> 2");
        assertEquals(2, first(moved, 0x37).index(), "i64.store memory 1 -> 2");
        assertEquals(8, first(moved, 0x28).constant(), "offset kept");
        assertFalse(java.util.Arrays.equals(module, out));
        assertEquals(module.length, out.length, "same widths");
    }
}
