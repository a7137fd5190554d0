package dev.externref.engine.format;

import dev.externref.engine.error.MalformedModuleException;
import dev.externref.engine.testing.SpecCase;
import dev.externref.engine.testing.SpecCorpus;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The WebAssembly spec test suite as binaries ({@code shared/spec-corpus}): what the suite
 * declares decodable is read, fully decoded and written back byte for byte; what it declares
 * malformed is rejected with {@link MalformedModuleException} and nothing else.
 */
class SpecCorpusTest {
    /**
     * Malformed binaries whose message does not contain the suite's text, and why. Every other
     * malformed binary must be rejected with a message containing the suite's expected text.
     * The reference decoder reads the whole module as one stream and checks section and body
     * sizes afterwards; this reader bounds every read by its section or body, and reads function
     * bodies only after all sections. Where a binary has two defects, each meets a different one
     * first.
     */
    static final Map<String, String> KNOWN_DIFFERENCES = Map.ofEntries(
            Map.entry("malformed/binary-leb128.462.wasm", "the code section's size ends inside the body's LEB128; the section structure is checked before bodies are decoded"),
            Map.entry("malformed/binary-leb128.863.wasm", "the code section's size ends inside the body's LEB128; the section structure is checked before bodies are decoded"),
            Map.entry("malformed/binary-leb128.526.wasm", "the over-long LEB128 runs past the end of its section; the read stops at the section end"),
            Map.entry("malformed/binary-leb128.534.wasm", "the over-long LEB128 runs past the end of its section; the read stops at the section end"),
            Map.entry("malformed/binary-leb128.551.wasm", "the over-long LEB128 runs past the end of its section; the read stops at the section end"),
            Map.entry("malformed/binary.93.wasm", "the body's final `end` lies after the body's declared size; the read stops at the body end"),
            Map.entry("malformed/custom-descriptors.binary.93.wasm", "the body's final `end` lies after the body's declared size; the read stops at the body end"),
            Map.entry("malformed/custom-page-sizes.binary.738.wasm", "the export count cannot fit in the section: rejected before reading the entry that runs past it"),
            Map.entry("malformed/custom-descriptors.exact.156.wasm", "`exact` is followed by a u32 type index, as the proposal's Overview specifies, so 0x62 0x62 decodes; the reference interpreter reads it otherwise"));

    @TestFactory
    Stream<DynamicTest> decodableModulesRoundTripByteForByte() {
        return SpecCorpus.tests(c -> c.kind() != SpecCase.Kind.MALFORMED, f -> {
            byte[] in = RoundTrips.read(f.path());
            WasmModule m = WasmModule.parse(in);
            m.decodeAllBodies();
            RoundTrips.assertSameBytes(in, ModuleWriter.write(m, RoundTrips.SELF_EVERYWHERE), "remap mapping every index to itself");
            RoundTrips.assertSameBytes(in, ModuleWriter.write(m, IndexRemap.IDENTITY), "IndexRemap.IDENTITY");
        });
    }

    @TestFactory
    Stream<DynamicTest> malformedModulesAreRejected() {
        return SpecCorpus.load().cases(SpecCase.Kind.MALFORMED).stream().map(f -> DynamicTest.dynamicTest(f + ": " + f.expectedText(), f.path().toUri(), () -> {
            MalformedModuleException e = assertThrows(MalformedModuleException.class, () -> decodeAndWrite(RoundTrips.read(f.path())),
                    "expected a MalformedModuleException (" + f.expectedText() + ")");
            if (!KNOWN_DIFFERENCES.containsKey(f.file())) {
                assertTrue(e.getMessage().contains(f.expectedText()),
                        () -> "message \"" + e.getMessage() + "\" should contain the suite's \"" + f.expectedText() + "\"");
            }
        }));
    }

    /** Reports how many rejection messages contain the suite's expected text, by kind. */
    @Test
    void reportMessageAgreement() {
        Map<String, int[]> byText = new TreeMap<>();
        StringBuilder mismatches = new StringBuilder();
        for (SpecCase f : SpecCorpus.load().cases(SpecCase.Kind.MALFORMED)) {
            String message;
            try {
                decodeAndWrite(RoundTrips.read(f.path()));
                message = "";
            } catch (MalformedModuleException e) {
                message = e.getMessage();
            }
            int[] counts = byText.computeIfAbsent(f.expectedText(), k -> new int[2]);
            counts[1]++;
            if (message.contains(f.expectedText())) {
                counts[0]++;
            } else {
                mismatches.append(String.format("  %s: expected \"%s\", got \"%s\"%n", f.file(), f.expectedText(), message));
            }
        }
        int matched = 0;
        int total = 0;
        StringBuilder report = new StringBuilder();
        for (Map.Entry<String, int[]> e : byText.entrySet()) {
            matched += e.getValue()[0];
            total += e.getValue()[1];
            report.append(String.format("  %4d/%-4d %s%n", e.getValue()[0], e.getValue()[1], e.getKey()));
        }
        System.out.printf("spec corpus: %d/%d malformed-module messages contain the suite's expected text%n%sdiffering messages:%n%s", matched, total, report, mismatches);
        assertFalse(byText.isEmpty());
    }

    static void decodeAndWrite(byte[] in) {
        WasmModule m = WasmModule.parse(in);
        m.decodeAllBodies();
        ModuleWriter.write(m, RoundTrips.SELF_EVERYWHERE);
    }
}
