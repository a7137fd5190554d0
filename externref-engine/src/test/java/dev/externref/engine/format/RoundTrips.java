package dev.externref.engine.format;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** The rewrites the format tests apply, and byte comparison with a useful failure message. */
final class RoundTrips {
    private RoundTrips() {
    }

    /**
     * Claims to change every index space (so no section is copied wholesale: every entry, body
     * and name map is walked) but maps each index to itself.
     */
    static final IndexRemap SELF_EVERYWHERE = (space, index) -> index;

    /** The {@code () -> ()} function type entry. */
    static final byte[] EMPTY_FUNC_TYPE = {0x60, 0x00, 0x00};

    static byte[] read(java.nio.file.Path file) {
        try {
            return java.nio.file.Files.readAllBytes(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** {@code shared/fixtures/upstream-e2e.wasm} (skips, or fails in CI, when absent). */
    static byte[] fixture() {
        return read(dev.externref.engine.testing.SharedFiles.fixture("upstream-e2e.wasm"));
    }

    static byte[] write(byte[] module, IndexRemap remap) {
        return ModuleWriter.write(WasmModule.parse(module), remap);
    }

    /** Parses, decodes every body and writes with the remap. */
    static byte[] fullRoundTrip(byte[] module, IndexRemap remap) {
        WasmModule m = WasmModule.parse(module);
        m.decodeAllBodies();
        return ModuleWriter.write(m, remap);
    }

    /** An import entry of a function: module, name, kind 0, type index. */
    static byte[] functionImport(String module, String name, int typeIndex) {
        return new ByteWriter(16).name(module).name(name).u8(0).u32(typeIndex).toByteArray();
    }

    /**
     * "As if an import were inserted": appends a {@code () -> ()} type and an import
     * {@code added.f} of it after all imports, so the new function's index is the old
     * imported-function count, and every defined function moves up by one.
     */
    static byte[] insertImport(WasmModule m) {
        int newType = m.typeCount();
        return new ModuleWriter(m, IndexRemap.shift(IndexSpace.FUNCTION, m.importedFunctionCount(), 1), new ModuleEdits()
                .appendEntry(Section.TYPE, EMPTY_FUNC_TYPE)
                .appendEntry(Section.IMPORT, functionImport("added", "f", newType)))
                .toBytes();
    }

    /**
     * "As if an import were removed": takes a module made by {@link #insertImport}, whose last
     * import and last type nothing else can refer to, removes both, and renumbers the functions
     * after the import down by one. The result is the module {@link #insertImport} started from.
     */
    static byte[] removeInsertedImport(WasmModule shifted) {
        int removedFunction = shifted.importedFunctionCount() - 1;
        Section types = shifted.section(Section.TYPE);
        Section imports = shifted.section(Section.IMPORT);
        IndexRemap down = new IndexRemap() {
            @Override
            public int map(IndexSpace space, int index) {
                if (space != IndexSpace.FUNCTION || index < removedFunction) {
                    return index;
                }
                return index == removedFunction ? -1 : index - 1;
            }

            @Override
            public boolean changes(IndexSpace space) {
                return space == IndexSpace.FUNCTION;
            }
        };
        return new ModuleWriter(shifted, down, new ModuleEdits()
                .removeEntry(Section.TYPE, types.entryCount() - 1)
                .removeEntry(Section.IMPORT, imports.entryCount() - 1))
                .toBytes();
    }

    static void assertSameBytes(byte[] expected, byte[] actual, String what) {
        if (Arrays.equals(expected, actual)) {
            return;
        }
        int i = Arrays.mismatch(expected, actual);
        fail(what + ": output differs from the input at byte " + i + " (lengths " + expected.length + " and "
                + actual.length + "): expected " + hex(expected, i) + ", got " + hex(actual, i));
        assertArrayEquals(expected, actual);
    }

    static String hex(byte[] b, int at) {
        StringBuilder s = new StringBuilder();
        int from = Math.max(0, at - 4);
        for (int i = from; i < Math.min(b.length, at + 8); i++) {
            s.append(i == at ? "[" : "").append(String.format("%02x", b[i] & 0xFF)).append(i == at ? "]" : "").append(' ');
        }
        return "..." + s.toString().trim() + "...";
    }
}
