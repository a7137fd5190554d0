package dev.externref.engine.format;

import dev.externref.engine.error.MalformedModuleException;
import dev.externref.engine.testing.Checkout;
import dev.externref.engine.testing.NpmModule;
import dev.externref.engine.testing.NpmModules;
import dev.externref.engine.testing.SpecCorpus;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The writer copies a body undecoded when {@link FunctionIndexScan} clears it, so the scan must
 * never clear a body that refers to a watched function. Checked against the decoder on every
 * body of the spec suite's modules, the Rust fixtures and the npm modules: for each function a
 * body refers to, a scan watching that function alone must find it.
 */
class FunctionIndexScanTest {
    private static long[] watching(int... functions) {
        BitSet b = new BitSet();
        for (int f : functions) {
            b.set(f);
        }
        return b.toLongArray();
    }

    @Test
    void findsCallsReturnCallsAndRefFuncsInAnyLebWidth() {
        FunctionIndexScan five = new FunctionIndexScan(watching(5));
        assertTrue(five.mayReferTo(new byte[] {0x10, 0x05, 0x0B}, 0, 3), "call 5");
        assertTrue(five.mayReferTo(new byte[] {0x12, 0x05, 0x0B}, 0, 3), "return_call 5");
        assertTrue(five.mayReferTo(new byte[] {(byte) 0xD2, 0x05, 0x0B}, 0, 3), "ref.func 5");
        assertTrue(five.mayReferTo(new byte[] {0x10, (byte) 0x85, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x00, 0x0B}, 0, 7),
                "call 5 as a five-byte LEB128");
        assertFalse(five.mayReferTo(new byte[] {0x10, 0x06, 0x0B}, 0, 3), "call 6");
        assertFalse(five.mayReferTo(new byte[] {0x11, 0x05, 0x00, 0x0B}, 0, 4), "call_indirect with type 5");
        assertFalse(five.mayReferTo(new byte[] {0x10, 0x05, 0x0B}, 1, 3), "outside the range");
        FunctionIndexScan large = new FunctionIndexScan(watching(300));
        assertTrue(large.mayReferTo(new byte[] {0x10, (byte) 0xAC, 0x02, 0x0B}, 0, 4), "call 300");
        assertFalse(large.mayReferTo(new byte[] {0x10, (byte) 0xAC, 0x03, 0x0B}, 0, 4), "call 428, beyond the set");
    }

    @Test
    void anImmediateThatLooksLikeACallIsAFalseAlarmNeverAMiss() {
        FunctionIndexScan sixteen = new FunctionIndexScan(watching(5));
        assertTrue(sixteen.mayReferTo(new byte[] {0x41, 0x10, 0x05, 0x0B}, 0, 4), "i32.const 16 followed by 05");
        assertTrue(sixteen.mayReferTo(new byte[] {0x10, (byte) 0x85}, 0, 2), "a LEB128 cut off: the decoder will say");
        assertTrue(sixteen.mayReferTo(new byte[] {0x10, (byte) 0x85, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80}, 0, 6),
                "a LEB128 too long: the decoder will say");
        assertFalse(sixteen.mayReferTo(new byte[] {0x10, (byte) 0x86, (byte) 0x80}, 0, 3), "cut off, but not the start of 5");
    }

    /** The eight-bytes-at-a-time scan answers as the byte-at-a-time one, wherever the pairs fall. */
    @Test
    void bothWidthsAgreeOnRandomBytes() {
        long[] watched = watching(5, 300);
        FunctionIndexScan narrow = new FunctionIndexScan(watched);
        FunctionIndexScan wide = new FunctionIndexScan(watched, true);
        byte[] alphabet = {0x10, 0x12, (byte) 0xD2, 0x05, (byte) 0x85, (byte) 0xAC, 0x02, (byte) 0x80, 0x00, 0x0B};
        java.util.Random random = new java.util.Random(42);
        int found = 0;
        for (int t = 0; t < 20_000; t++) {
            byte[] b = new byte[random.nextInt(40)];
            for (int i = 0; i < b.length; i++) {
                b[i] = random.nextInt(3) == 0 ? (byte) random.nextInt(256) : alphabet[random.nextInt(alphabet.length)];
            }
            int from = b.length == 0 ? 0 : random.nextInt(b.length);
            int to = from + random.nextInt(b.length - from + 1);
            boolean expected = narrow.mayReferTo(b, from, to);
            assertEquals(expected, wide.mayReferTo(b, from, to), () -> java.util.HexFormat.ofDelimiter(" ").formatHex(b)
                    + " from " + from + " to " + to);
            found += expected ? 1 : 0;
        }
        assertTrue(found > 1000, "planted references found: " + found);
    }

    /** Checks every body of {@code module}; returns how many function references were checked. */
    static int neverMisses(byte[] module, String name) {
        WasmModule m;
        try {
            m = WasmModule.parse(module);
        } catch (MalformedModuleException e) {
            return 0;
        }
        int checked = 0;
        long[] one = new long[(m.functionCount() >>> 6) + 1]; // one function's bit at a time

        for (int i = 0; i < m.definedFunctionCount(); i++) {
            int from = m.bodyStart(i);
            int to = m.bodyEnd(i);
            IndexRefs refs = new IndexRefs();
            refs.mask = 1 << IndexSpace.FUNCTION.ordinal();
            try {
                InstructionReader in = new InstructionReader(module, FunctionBody.skipLocals(new ByteReader(module, from, to), refs),
                        to, refs);
                in.scanCompact();
                in.finish();
            } catch (MalformedModuleException e) {
                continue; // a malformed body: the writer's decoder reports it when the scan lets it through
            }
            for (int k = 0; k < refs.size; k++) {
                int f = refs.value[k];
                if (f < 0 || f >= m.functionCount()) {
                    continue; // an invalid module's reference: the writer leaves it as it is
                }
                int body = i;
                one[f >>> 6] = 1L << f;
                FunctionIndexScan[] scans = {new FunctionIndexScan(one), new FunctionIndexScan(one, true)};
                for (FunctionIndexScan scan : scans) {
                    assertTrue(scan.mayReferTo(module, from, to), () -> name + ": body " + body + " refers to function " + f);
                }
                one[f >>> 6] = 0;
                checked++;
            }
        }
        return checked;
    }

    @TestFactory
    Stream<DynamicTest> specSuiteBodies() {
        return SpecCorpus.tests(c -> true, c -> neverMisses(RoundTrips.read(c.path()), c.toString()));
    }

    @Test
    void rustFixtureAndNpmBodies() throws IOException {
        for (Path p : Checkout.rustFixtures()) {
            assertTrue(neverMisses(Files.readAllBytes(p), p.getFileName().toString()) > 0, p::toString);
        }
        for (NpmModule npm : NpmModules.ciSubset()) {
            assertTrue(neverMisses(RoundTrips.read(npm.path()), npm.toString()) > 0, npm::toString);
        }
    }
}
