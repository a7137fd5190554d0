package dev.externref.engine.transform.testkit;

import dev.externref.engine.format.ByteWriter;
import dev.externref.engine.format.ExternalKind;
import dev.externref.engine.format.FuncType;
import dev.externref.engine.format.Import;
import dev.externref.engine.format.IndexRemap;
import dev.externref.engine.format.IndexSpace;
import dev.externref.engine.format.ModuleEdits;
import dev.externref.engine.format.ModuleWriter;
import dev.externref.engine.format.Section;
import dev.externref.engine.format.ValType;
import dev.externref.engine.format.WasmModule;

import java.util.List;

/**
 * Real modules made into processor input, as the issues describe: one imported
 * {@code (i32) -> ()} function renamed to {@code externref.drop} and an empty
 * {@code __externrefs} section appended, so processing removes an import from the middle of the
 * index space and renumbers every function. (A module without such an import gets an
 * {@code externref.drop} import appended after its imports instead.)
 */
public final class ProcessorInputs {
    private static final FuncType I32_TO_NONE = new FuncType(List.of(ValType.I32), List.of());

    private ProcessorInputs() {
    }

    public static byte[] withSurrogateDrop(byte[] module) {
        WasmModule parsed = WasmModule.parse(module);
        for (int i = 0; i < parsed.imports().size(); i++) {
            Import imp = parsed.imports().get(i);
            if (imp.kind() == ExternalKind.FUNCTION && I32_TO_NONE.equals(parsed.funcType(imp.typeIndex()))) {
                return withSurrogateDrop(parsed, i);
            }
        }
        return withAppendedSurrogateDrop(parsed);
    }

    /** The module with import #{@code index} renamed to externref.drop and an empty __externrefs section. */
    public static byte[] withSurrogateDrop(WasmModule m, int index) {
        Import imp = m.imports().get(index);
        byte[] entry = new ByteWriter(32).name("externref").name("drop").u8(0).u32(imp.typeIndex()).toByteArray();
        byte[] renamed = new ModuleWriter(m, IndexRemap.IDENTITY, new ModuleEdits().replaceEntry(Section.IMPORT, index, entry)).toBytes();
        return Modules.withCustomSection(renamed, Records.SECTION, new byte[0]);
    }

    /**
     * The module with an {@code externref.drop} import appended after the other imports (the
     * defined functions move up by one), for modules that import no {@code (i32) -> ()} function.
     */
    public static byte[] withAppendedSurrogateDrop(WasmModule m) {
        int type = -1;
        for (int t = 0; t < m.typeCount() && type < 0; t++) {
            if (I32_TO_NONE.equals(m.funcType(t))) {
                type = t;
            }
        }
        ModuleEdits edits = new ModuleEdits();
        if (type < 0) {
            type = m.typeCount();
            edits.appendEntry(Section.TYPE, I32_TO_NONE.encode());
        }
        edits.appendEntry(Section.IMPORT, new ByteWriter(32).name("externref").name("drop").u8(0).u32(type).toByteArray());
        byte[] out = new ModuleWriter(m, IndexRemap.shift(IndexSpace.FUNCTION, m.importedFunctionCount(), 1), edits).toBytes();
        return Modules.withCustomSection(out, Records.SECTION, new byte[0]);
    }

}
