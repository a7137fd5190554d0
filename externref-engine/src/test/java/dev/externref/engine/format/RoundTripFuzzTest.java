package dev.externref.engine.format;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.externref.engine.error.MalformedModuleException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Fuzzes parse, decodeAllBodies and the writer. Without {@code JAZZER_FUZZ} this runs the seeds
 * in {@code RoundTripFuzzTestInputs/parseDecodeWrite/} (and any findings saved there) as a
 * regression test; with {@code JAZZER_FUZZ=1} it fuzzes:
 * {@code JAZZER_FUZZ=1 mvn -pl externref-engine test -Dtest=RoundTripFuzzTest}.
 *
 * <p>Properties: bad input ends in {@link MalformedModuleException} and nothing else; what
 * parses is written back byte for byte by the identity remap and by a remap that walks every
 * section; with an import inserted the output parses and decodes again, and removing the
 * import restores the input up to LEB128 widths.
 */
class RoundTripFuzzTest {
    @FuzzTest(maxDuration = "5m")
    void parseDecodeWrite(byte[] data) {
        WasmModule m;
        try {
            m = WasmModule.parse(data);
            m.decodeAllBodies();
        } catch (MalformedModuleException e) {
            return;
        }
        assertArrayEquals(data, ModuleWriter.write(m, IndexRemap.IDENTITY), "identity");
        ModuleWriter self = new ModuleWriter(m, RoundTrips.SELF_EVERYWHERE);
        byte[] walked = self.toBytes();
        if (self.warnings().isEmpty()) { // a malformed name section is dropped, with a warning
            assertArrayEquals(data, walked, "every index to itself");
        }
        if (m.functionCount() == Integer.MAX_VALUE || m.typeCount() == Integer.MAX_VALUE) {
            return;
        }
        byte[] inserted = RoundTrips.insertImport(m);
        WasmModule after = WasmModule.parse(inserted);
        after.decodeAllBodies();
        assertEquals(m.functionCount() + 1, after.functionCount());
        byte[] removed = RoundTrips.removeInsertedImport(after);
        WasmModule back = WasmModule.parse(removed);
        back.decodeAllBodies();
        assertEquals(m.functionCount(), back.functionCount());
    }
}
