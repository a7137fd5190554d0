package dev.externref.engine.format;

import dev.externref.engine.testing.Node;
import dev.externref.engine.testing.NpmModule;
import dev.externref.engine.testing.NpmModules;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Real, large modules from npm packages (fetched by {@code scripts/fetch-npm-modules.sh}; the
 * CI subset must be there in CI, the others are used when present): written back byte for
 * byte, and with an import inserted (every defined function moved) V8 gives the same verdict
 * as on the original; removing the import again gives the original back.
 */
class NpmModulesRoundTripTest {
    @TestFactory
    Stream<DynamicTest> realModules() throws IOException {
        NpmModules.ciSubset(); // in CI, a missing part of the subset fails here instead of shrinking the test
        List<NpmModule> modules = NpmModules.all();
        Path dir = Files.createTempDirectory("externref-npm-shifted");
        dir.toFile().deleteOnExit();
        List<Path> toValidate = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (NpmModule m : modules) {
            toValidate.add(m.path());
            Path out = dir.resolve(m.fileName());
            toValidate.add(out);
            try {
                byte[] in = RoundTrips.read(m.path());
                byte[] inserted = RoundTrips.insertImport(WasmModule.parse(in));
                Files.write(out, inserted);
                failures.add(null);
            } catch (RuntimeException e) {
                failures.add(e.toString());
                Files.write(out, new byte[0]); // V8 rejects it; the test reports the failure
            }
        }
        List<Node.Validation> verdicts = Node.validate(toValidate);
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < modules.size(); i++) {
            NpmModule m = modules.get(i);
            int n = i;
            tests.add(DynamicTest.dynamicTest(m + ": identity, byte for byte", m.path().toUri(), () -> {
                byte[] in = RoundTrips.read(m.path());
                WasmModule parsed = WasmModule.parse(in);
                parsed.decodeAllBodies();
                RoundTrips.assertSameBytes(in, ModuleWriter.write(parsed, IndexRemap.IDENTITY), "identity");
                RoundTrips.assertSameBytes(in, ModuleWriter.write(parsed, RoundTrips.SELF_EVERYWHERE), "every index to itself");
            }));
            tests.add(DynamicTest.dynamicTest(m + ": an inserted import, checked by V8", m.path().toUri(), () -> {
                if (failures.get(n) != null) {
                    throw new AssertionError("inserting an import failed: " + failures.get(n));
                }
                byte[] in = RoundTrips.read(m.path());
                byte[] inserted = Files.readAllBytes(dir.resolve(m.fileName()));
                WasmModule before = WasmModule.parse(in);
                WasmModule after = WasmModule.parse(inserted);
                after.decodeAllBodies();
                int k = before.importedFunctionCount();
                int calls = Bodies.assertFunctionIndicesRenumbered(before, after, f -> f >= k ? f + 1 : f);
                assertEquals(verdicts.get(2 * n).valid(), verdicts.get(2 * n + 1).valid(),
                        () -> "V8 on the original: " + verdicts.get(2 * n) + "; with an import inserted: " + verdicts.get(2 * n + 1));
                byte[] removed = RoundTrips.removeInsertedImport(after);
                if (removed.length == in.length) {
                    RoundTrips.assertSameBytes(in, removed, "insert then remove");
                } else {
                    // Indices shifted past a LEB128 boundary keep their wider encoding on the way back.
                    Bodies.assertFunctionIndicesRenumbered(before, WasmModule.parse(removed), f -> f);
                }
                System.out.printf("%s: %d function references renumbered; V8: %s; insert-then-remove %s%n", m, calls,
                        verdicts.get(2 * n), Arrays.equals(in, removed) ? "byte-identical"
                                : "the same code, " + (removed.length - in.length) + " bytes longer (wider LEB128s)");
                Files.deleteIfExists(dir.resolve(m.fileName()));
            }));
        }
        return tests.stream();
    }
}
