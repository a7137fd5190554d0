package dev.externref.engine.format;

import dev.externref.engine.testing.Node;
import com.dylibso.chicory.wabt.Wat2Wasm;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static dev.externref.engine.format.Opcodes.prefixed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One module per feature the WAT assembler supports. Each is written back byte for byte, and
 * under a shifting remap its outputs are decoded again to check that exactly the immediates of
 * the shifted space moved; with an import inserted it must still validate in V8 and run the same
 * on Chicory.
 */
class WatFeaturesTest {
    static final Map<String, String> FEATURES = new LinkedHashMap<>();

    static {
        FEATURES.put("multi-value blocks", """
                (module
                  (func $swap (param i32 i32) (result i32 i32) local.get 1 local.get 0)
                  (func (export "multi") (param i32) (result i32 i32)
                    local.get 0
                    i32.const 10
                    (block (param i32 i32) (result i32 i32) call $swap)
                    (if (param i32 i32) (result i32 i32) (i32.const 1) (then call $swap) (else))
                    call $swap)
                  (func (export "countdown") (param i32) (result i32)
                    (local i32)
                    local.get 0
                    (loop $l (param i32) (result i32)
                      i32.const 1 i32.sub local.tee 1 local.get 1 i32.const 0 i32.gt_s br_if $l)))
                """);
        FEATURES.put("reference types", """
                (module
                  (type $t (func (result i32)))
                  (table $funcs 2 funcref)
                  (table $ext 2 externref)
                  (func $one (result i32) i32.const 1)
                  (func $two (result i32) i32.const 2)
                  (elem declare func $one $two)
                  (func (export "refs") (param i32) (result i32)
                    (table.set $funcs (i32.const 0) (ref.func $one))
                    (table.set $funcs (i32.const 1) (ref.func $two))
                    (table.set $ext (i32.const 0) (ref.null extern))
                    (call_indirect $funcs (type $t) (local.get 0)))
                  (func (export "isnull") (result i32) (ref.is_null (table.get $ext (i32.const 1))))
                  (func (export "pick") (param i32) (result i32)
                    (ref.is_null (select (result funcref) (ref.func $one) (ref.null func) (local.get 0)))))
                """);
        FEATURES.put("tables and element segments of all kinds", """
                (module
                  (type $t (func (result i32)))
                  (table $a 4 funcref)
                  (table $b 4 funcref)
                  (func $f0 (result i32) i32.const 10)
                  (func $f1 (result i32) i32.const 11)
                  (func $f2 (result i32) i32.const 12)
                  (elem (i32.const 0) $f0 $f1)
                  (elem $p func $f1 $f2)
                  (elem (table $b) (i32.const 1) func $f2 $f0)
                  (elem declare func $f0)
                  (elem (i32.const 2) funcref (ref.func $f2) (ref.null func))
                  (elem $pe funcref (ref.func $f0) (item ref.func $f1))
                  (elem (table $b) (i32.const 3) funcref (ref.func $f1))
                  (elem declare funcref (ref.func $f2))
                  (func (export "call_a") (param i32) (result i32) (call_indirect $a (type $t) (local.get 0)))
                  (func (export "call_b") (param i32) (result i32) (call_indirect $b (type $t) (local.get 0)))
                  (func (export "edit") (result i32)
                    (table.init $a $p (i32.const 2) (i32.const 0) (i32.const 2))
                    (table.init $b $pe (i32.const 0) (i32.const 1) (i32.const 1))
                    (elem.drop $pe)
                    (table.copy $b $a (i32.const 0) (i32.const 2) (i32.const 2))
                    (drop (table.grow $a (ref.null func) (i32.const 1)))
                    (table.fill $b (i32.const 2) (ref.func $f0) (i32.const 1))
                    (table.get $b (i32.const 2))
                    (drop)
                    (table.size $a)))
                """);
        FEATURES.put("bulk memory", """
                (module
                  (memory 1)
                  (data $d0 "hello")
                  (data $d1 (i32.const 16) "world")
                  (func (export "bulk") (result i32)
                    (memory.init $d0 (i32.const 100) (i32.const 0) (i32.const 5))
                    (data.drop $d0)
                    (memory.copy (i32.const 200) (i32.const 16) (i32.const 5))
                    (memory.fill (i32.const 300) (i32.const 42) (i32.const 3))
                    (i32.add (i32.load8_u (i32.const 104))
                      (i32.add (i32.load8_u offset=1 (i32.const 199)) (i32.load8_u (i32.const 302))))))
                """);
        FEATURES.put("SIMD with lanes", """
                (module
                  (memory 1)
                  (func (export "simd") (param i32) (result i32)
                    (local v128)
                    (local.set 1 (i32x4.splat (local.get 0)))
                    (local.set 1 (i32x4.replace_lane 2 (local.get 1) (i32.const 7)))
                    (v128.store (i32.const 0) (local.get 1))
                    (local.set 1 (v128.load8_lane 3 (i32.const 8) (local.get 1)))
                    (v128.store32_lane 1 (i32.const 32) (local.get 1))
                    (i32.add
                      (i32x4.extract_lane 2 (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15
                                              (local.get 1) (v128.const i32x4 1 2 3 4)))
                      (i32.add (i32.load (i32.const 32)) (i8x16.extract_lane_u 3 (local.get 1))))))
                """);
        FEATURES.put("globals with ref.func and a start function", """
                (module
                  (type $t (func (result i32)))
                  (global $g (mut i32) (i32.const 0))
                  (global $fr funcref (ref.func $seven))
                  (global $imm i32 (i32.const 35))
                  (table 1 funcref)
                  (func $seven (result i32) i32.const 7)
                  (func $init (global.set $g (i32.add (global.get $imm) (i32.const 1))))
                  (start $init)
                  (func (export "g") (result i32) (global.get $g))
                  (func (export "viaglobal") (result i32)
                    (table.set (i32.const 0) (global.get $fr))
                    (call_indirect (type $t) (i32.const 0))))
                """);
        FEATURES.put("imports of every kind", """
                (module
                  (import "env" "f" (func $f (param i32) (result i32)))
                  (import "env" "t" (table 1 funcref))
                  (import "env" "m" (memory 1))
                  (import "env" "g" (global $g i32))
                  (func (export "run") (param i32) (result i32)
                    (call $f (i32.add (local.get 0) (global.get $g))))
                  (export "f2" (func $f)))
                """);
    }

    private static final Map<String, byte[]> ASSEMBLED = new java.util.concurrent.ConcurrentHashMap<>();

    static byte[] wasm(String feature) {
        return ASSEMBLED.computeIfAbsent(feature, f -> Wat2Wasm.parse(FEATURES.get(f)));
    }

    @TestFactory
    Stream<DynamicTest> roundTripsByteForByte() {
        return FEATURES.keySet().stream().map(f -> DynamicTest.dynamicTest(f, () -> {
            byte[] in = wasm(f);
            RoundTrips.assertSameBytes(in, RoundTrips.fullRoundTrip(in, IndexRemap.IDENTITY), "identity");
            RoundTrips.assertSameBytes(in, RoundTrips.fullRoundTrip(in, RoundTrips.SELF_EVERYWHERE), "every index to itself");
        }));
    }

    @TestFactory
    Stream<DynamicTest> anInsertedImportShiftsFunctions() {
        List<String> features = new ArrayList<>(FEATURES.keySet());
        List<byte[]> modules = new ArrayList<>();
        for (String f : features) {
            modules.add(wasm(f));
            modules.add(RoundTrips.insertImport(WasmModule.parse(wasm(f))));
        }
        List<Node.Validation> verdicts = Node.validateBytes(modules);
        return IntStream.range(0, features.size()).mapToObj(i -> DynamicTest.dynamicTest(features.get(i), () -> {
            WasmModule before = WasmModule.parse(modules.get(2 * i));
            WasmModule after = WasmModule.parse(modules.get(2 * i + 1));
            after.decodeAllBodies();
            int k = before.importedFunctionCount();
            Bodies.assertFunctionIndicesRenumbered(before, after, f -> f >= k ? f + 1 : f);
            assertTrue(verdicts.get(2 * i).valid(), () -> "V8 accepts the assembled module: " + verdicts.get(2 * i));
            assertTrue(verdicts.get(2 * i + 1).valid(), () -> "V8 accepts it with an import inserted: " + verdicts.get(2 * i + 1));
            if (k == 0 && !features.get(i).startsWith("SIMD")) { // Chicory's interpreter has no SIMD
                List<String> ran = ChicoryRuns.runAllExports(modules.get(2 * i), ChicoryRuns.neverCalled());
                assertEquals(ran, ChicoryRuns.runAllExports(modules.get(2 * i + 1), ChicoryRuns.neverCalled("added", "f")));
                assertTrue(ChicoryRuns.normalReturns(ran) > 0, () -> "something ran: " + ran);
            }
        }));
    }

    // ------------------------------------------------------------ the immediates of each space

    static final int TABLE_GET = 0x25;
    static final int TABLE_SET = 0x26;
    static final int GLOBAL_GET = 0x23;
    static final int GLOBAL_SET = 0x24;
    static final int MEMORY_INIT = prefixed(0xFC, 8);
    static final int DATA_DROP = prefixed(0xFC, 9);
    static final int TABLE_INIT = prefixed(0xFC, 12);
    static final int ELEM_DROP = prefixed(0xFC, 13);
    static final int TABLE_COPY = prefixed(0xFC, 14);
    static final int TABLE_GROW = prefixed(0xFC, 15);
    static final int TABLE_SIZE = prefixed(0xFC, 16);
    static final int TABLE_FILL = prefixed(0xFC, 17);

    /** Which immediates of which opcodes must move: 1 the first index, 2 the second. */
    record Slots(Map<Integer, int[]> byOpcode) {
    }

    /**
     * Writes {@code feature} with {@code remap} and checks, instruction by instruction, that the
     * given immediates were renumbered by {@code expected} and every other instruction is the
     * same bytes. Returns how many immediates moved.
     */
    static int assertRenumbered(String feature, IndexRemap remap, Map<Integer, int[]> slots, IntUnaryOperator expected) {
        WasmModule before = WasmModule.parse(wasm(feature));
        WasmModule after = WasmModule.parse(ModuleWriter.write(before, remap));
        after.decodeAllBodies();
        int moved = 0;
        for (int fn = 0; fn < before.definedFunctionCount(); fn++) {
            InstructionReader a = InstructionReader.over(before.bytes(), before.decodeBody(fn).codeStart(), before.bodyEnd(fn));
            InstructionReader b = InstructionReader.over(after.bytes(), after.decodeBody(fn).codeStart(), after.bodyEnd(fn));
            while (a.hasNext()) {
                int op = a.next();
                assertEquals(op, b.next());
                int[] which = slots.get(op);
                if (which == null) {
                    assertTrue(java.util.Arrays.equals(before.bytes(), a.start(), a.end(), after.bytes(), b.start(), b.end()),
                            () -> Opcodes.describe(op) + " changed");
                    continue;
                }
                for (int w : which) {
                    int old = w == 1 ? a.index() : a.index2();
                    int now = w == 1 ? b.index() : b.index2();
                    assertEquals(expected.applyAsInt(old), now, Opcodes.describe(op) + " immediate " + w + " was " + old);
                    moved += now != old ? 1 : 0;
                }
            }
        }
        return moved;
    }

    @Test
    void tablesFromOneUpMoveInEveryInstructionThatNamesThem() {
        Map<Integer, int[]> slots = Map.of(
                Opcodes.CALL_INDIRECT_OP, new int[] {2}, TABLE_INIT, new int[] {2}, TABLE_COPY, new int[] {1, 2},
                TABLE_GROW, new int[] {1}, TABLE_SIZE, new int[] {1}, TABLE_FILL, new int[] {1}, TABLE_GET, new int[] {1},
                TABLE_SET, new int[] {1});
        IndexRemap remap = IndexRemap.shift(IndexSpace.TABLE, 1, 1);
        int moved = assertRenumbered("tables and element segments of all kinds", remap, slots, t -> t >= 1 ? t + 1 : t);
        assertEquals(5, moved, "call_b's call_indirect, table.init $b, table.copy $b, table.fill $b, table.get $b");
        moved = assertRenumbered("reference types", remap, slots, t -> t >= 1 ? t + 1 : t);
        assertEquals(2, moved, "table.set $ext and table.get $ext");
        // Element segments name their table too: (table $b) segments now say table 2.
        WasmModule out = WasmModule.parse(ModuleWriter.write(WasmModule.parse(wasm("tables and element segments of all kinds")), remap));
        Section elem = out.section(Section.ELEMENT);
        assertEquals(2, out.bytes()[elem.entryStart(2) + 1], "flags 2 segment: explicit table index");
        assertEquals(2, out.bytes()[elem.entryStart(6) + 1], "flags 6 segment: explicit table index");
    }

    @Test
    void movingTableZeroOrMemoryZeroIsRefused() {
        // Active segments with flags 0 or 4 and memory instructions without a memory index refer
        // to table 0 and memory 0 implicitly; they have no index to rewrite.
        WasmModule tables = WasmModule.parse(wasm("tables and element segments of all kinds"));
        assertThrows(IllegalArgumentException.class, () -> ModuleWriter.write(tables, IndexRemap.shift(IndexSpace.TABLE, 0, 1)));
        WasmModule memory = WasmModule.parse(wasm("bulk memory"));
        assertThrows(IllegalArgumentException.class, () -> ModuleWriter.write(memory, IndexRemap.shift(IndexSpace.MEMORY, 0, 1)));
        // Without a table or memory 0 there is nothing implicit to go wrong.
        WasmModule noTables = WasmModule.parse(wasm("multi-value blocks"));
        assertNotNull(ModuleWriter.write(noTables, IndexRemap.shift(IndexSpace.TABLE, 0, 1)));
        assertNotNull(ModuleWriter.write(noTables, IndexRemap.shift(IndexSpace.MEMORY, 0, 1)));
    }

    @Test
    void elementAndDataSegmentIndicesMove() {
        int moved = assertRenumbered("tables and element segments of all kinds", IndexRemap.shift(IndexSpace.ELEMENT, 0, 3),
                Map.of(TABLE_INIT, new int[] {1}, ELEM_DROP, new int[] {1}), e -> e + 3);
        assertEquals(3, moved, "table.init $p, table.init $pe, elem.drop $pe");
        moved = assertRenumbered("bulk memory", IndexRemap.shift(IndexSpace.DATA, 0, 200),
                Map.of(MEMORY_INIT, new int[] {1}, DATA_DROP, new int[] {1}), d -> d + 200);
        assertEquals(2, moved, "memory.init $d0 and data.drop $d0, now 200: two bytes wide");
    }

    @Test
    void globalIndicesMoveInCodeConstantExpressionsAndExports() {
        String feature = "globals with ref.func and a start function";
        int moved = assertRenumbered(feature, IndexRemap.shift(IndexSpace.GLOBAL, 2, 1),
                Map.of(GLOBAL_GET, new int[] {1}, GLOBAL_SET, new int[] {1}), g -> g >= 2 ? g + 1 : g);
        assertEquals(1, moved, "global.get $imm");
        WasmModule imports = WasmModule.parse(wasm("imports of every kind"));
        WasmModule out = WasmModule.parse(ModuleWriter.write(imports, IndexRemap.shift(IndexSpace.FUNCTION, 0, 7)));
        assertEquals(7, out.exports().get(1).index(), "export f2 of the imported function");
        assertEquals(8, out.exports().get(0).index(), "export run");
    }

    @Test
    void typeIndicesMoveInCallIndirectAndFunctionSection() {
        String feature = "tables and element segments of all kinds";
        int moved = assertRenumbered(feature, IndexRemap.shift(IndexSpace.TYPE, 0, 1),
                Map.of(Opcodes.CALL_INDIRECT_OP, new int[] {1}), t -> t + 1);
        assertEquals(2, moved);
        WasmModule out = WasmModule.parse(ModuleWriter.write(WasmModule.parse(wasm(feature)), IndexRemap.shift(IndexSpace.TYPE, 0, 1)));
        for (int f = 0; f < out.functionCount(); f++) {
            assertEquals(WasmModule.parse(wasm(feature)).functionTypeIndex(f) + 1, out.functionTypeIndex(f));
        }
    }

    @Test
    void multiValueBlockTypesAreTypeIndices() {
        // (block (param i32 i32) (result i32 i32)) is encoded as a type index (s33): it moves.
        byte[] in = wasm("multi-value blocks");
        WasmModule m = WasmModule.parse(in);
        byte[] out = ModuleWriter.write(m, IndexRemap.shift(IndexSpace.TYPE, 0, 100));
        WasmModule o = WasmModule.parse(out);
        o.decodeAllBodies();
        int blocks = 0;
        for (int fn = 0; fn < o.definedFunctionCount(); fn++) {
            InstructionReader r = InstructionReader.over(out, o.decodeBody(fn).codeStart(), o.bodyEnd(fn));
            while (r.hasNext()) {
                int op = r.next();
                if (op == Opcodes.BLOCK_OP || op == Opcodes.IF || op == Opcodes.LOOP) {
                    ByteReader bt = new ByteReader(out, r.start() + 1, r.end());
                    long typeIndex = bt.signed(33);
                    assertTrue(typeIndex >= 100, "block type index moved by 100: " + typeIndex);
                    assertEquals(2, r.end() - r.start() - 1, "s33 100+ takes two bytes");
                    blocks++;
                }
            }
        }
        assertEquals(3, blocks);
    }

    @Test
    void nameSectionFollowsTheFunctionsAndKeepsLocalNames() {
        byte[] plain = wasm("imports of every kind");
        byte[] names = ModuleBuilder.nameSection("features", Map.of(0, "f", 1, "run"), Map.of(1, Map.of(0, "x")));
        byte[] in = new ModuleWriter(WasmModule.parse(plain), IndexRemap.IDENTITY,
                new ModuleEdits().appendCustomSection("name", names)).toBytes();
        RoundTrips.assertSameBytes(in, RoundTrips.fullRoundTrip(in, RoundTrips.SELF_EVERYWHERE), "name section round trip");

        WasmModule m = WasmModule.parse(in);
        byte[] inserted = new ModuleWriter(m, IndexRemap.shift(IndexSpace.FUNCTION, 1, 1), new ModuleEdits()
                .appendEntry(Section.TYPE, RoundTrips.EMPTY_FUNC_TYPE)
                .appendEntry(Section.IMPORT, RoundTrips.functionImport("added", "f", m.typeCount()))
                .nameFunction(1, "added"))
                .toBytes();
        WasmModule out = WasmModule.parse(inserted);
        assertEquals(Map.of(0, "f", 1, "added", 2, "run"), out.functionNames());
        NameSections.Parsed parsed = NameSections.parse(out);
        assertEquals("features", parsed.moduleName());
        assertEquals(Map.of(2, Map.of(0, "x")), parsed.localNames(), "local names move with their function");
        assertTrue(Node.validate(inserted).valid());
    }
}
