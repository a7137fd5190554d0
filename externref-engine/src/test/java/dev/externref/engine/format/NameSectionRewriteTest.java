package dev.externref.engine.format;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.externref.engine.format.ModuleBuilder.body;
import static dev.externref.engine.format.ModuleBuilder.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The {@code name} section follows every kind of function renumbering: in order, reordered, removed, added. */
class NameSectionRewriteTest {
    /** Three functions named a, b, c; function 1 has a local named x. */
    static byte[] module() {
        byte[] code = body(bytes(0x0B));
        return new ModuleBuilder().funcType(new int[0], new int[0])
                .function(0, code).function(0, code).function(0, code)
                .custom("name", ModuleBuilder.nameSection("m", Map.of(0, "a", 1, "b", 2, "c"), Map.of(1, Map.of(0, "x"))))
                .build();
    }

    static WasmModule written;

    static NameSections.Parsed rewrite(IndexRemap remap, Map<Integer, String> added) {
        ModuleEdits edits = new ModuleEdits();
        added.forEach(edits::nameFunction);
        ModuleWriter w = new ModuleWriter(WasmModule.parse(module()), remap, edits);
        written = WasmModule.parse(w.toBytes());
        assertEquals(0, w.warnings().size());
        return NameSections.parse(written);
    }

    @Test
    void shiftedInOrder() {
        NameSections.Parsed p = rewrite(IndexRemap.shift(IndexSpace.FUNCTION, 1, 2), Map.of());
        assertEquals(Map.of(0, "a", 3, "b", 4, "c"), p.functionNames());
        assertEquals(Map.of(3, Map.of(0, "x")), p.localNames());
        assertEquals("m", p.moduleName());
    }

    @Test
    void reorderedNamesAreSorted() {
        NameSections.Parsed p = rewrite(IndexRemap.functions(new int[] {2, 0, 1}), Map.of());
        assertEquals(Map.of(2, "a", 0, "b", 1, "c"), p.functionNames());
        assertEquals(Map.of(0, Map.of(0, "x")), p.localNames());
        assertArrayEquals(bytes(0x03, 0x00, 0x01, 'b', 0x01, 0x01, 'c', 0x02, 0x01, 'a'), NameSections.subsection(written, 1),
                "written sorted by index");
    }

    @Test
    void removedFunctionsLoseTheirNamesAndAddedOnesGetTheirs() {
        NameSections.Parsed p = rewrite(IndexRemap.functions(new int[] {0, -1, 1}), Map.of(2, "new"));
        assertEquals(Map.of(0, "a", 1, "c", 2, "new"), p.functionNames());
        assertEquals(Map.of(), p.localNames());
    }

    @Test
    void anAddedNameReplacesTheOneAtItsIndex() {
        NameSections.Parsed p = rewrite(IndexRemap.shift(IndexSpace.FUNCTION, 5, 1), Map.of(1, "renamed", 0, "first"));
        assertEquals(Map.of(0, "first", 1, "renamed", 2, "c"), p.functionNames());
    }
}
