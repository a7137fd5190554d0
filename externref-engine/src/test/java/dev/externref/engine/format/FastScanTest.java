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
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The writer's decoders ({@link InstructionReader#scanCompact}, and
 * {@link InstructionReader#scanFast} for large modules in a fresh JVM) against the general one
 * ({@link InstructionReader#next} until the end): on every body of real and spec-suite
 * modules, and on those bodies with bytes changed at random, each must end at the same
 * offset with the same index references, or fail with the same message at the same offset.
 */
class FastScanTest {
    /** One decoder's verdict on one body: where it ended and what it recorded, or its error. */
    record Outcome(String error, int end, boolean usesData, int dataAt, List<String> refs) {
    }

    /**
     * Which index spaces the decoders record: all of them, only functions (the writer's usual
     * case: global accesses become plain instructions on the fast path), only globals, none.
     */
    static final int[] MASKS = {0xFF, 1 << IndexSpace.FUNCTION.ordinal(), 1 << IndexSpace.GLOBAL.ordinal(), 0};

    static Outcome general(byte[] module, int from, int to, int mask) {
        IndexRefs refs = new IndexRefs();
        refs.mask = mask;
        InstructionReader in = null;
        try {
            ByteReader r = new ByteReader(module, from, to);
            in = new InstructionReader(module, FunctionBody.skipLocals(r, refs), to, refs);
            while (in.hasNext()) {
                in.next();
            }
            in.finish();
            return new Outcome(null, in.end(), in.usesDataIndex(), in.dataIndexAt(), list(refs));
        } catch (MalformedModuleException e) {
            return new Outcome(e.getMessage(), -1, false, -1, List.of());
        }
    }

    static Outcome fast(byte[] module, int from, int to, int mask) {
        return scan(module, from, to, mask, true);
    }

    static Outcome compact(byte[] module, int from, int to, int mask) {
        return scan(module, from, to, mask, false);
    }

    private static Outcome scan(byte[] module, int from, int to, int mask, boolean fast) {
        IndexRefs refs = new IndexRefs();
        refs.mask = mask;
        try {
            ByteReader r = new ByteReader(module, from, to);
            InstructionReader in = new InstructionReader(module, FunctionBody.skipLocals(r, refs), to, refs);
            if (fast) {
                in.scanFast();
            } else {
                in.scanCompact();
            }
            in.finish();
            return new Outcome(null, in.end(), in.usesDataIndex(), in.dataIndexAt(), list(refs));
        } catch (MalformedModuleException e) {
            return new Outcome(e.getMessage(), -1, false, -1, List.of());
        }
    }

    private static List<String> list(IndexRefs refs) {
        List<String> out = new ArrayList<>(refs.size);
        for (int k = 0; k < refs.size; k++) {
            out.add(IndexSpace.ALL[refs.space[k]] + " " + refs.value[k] + " @" + refs.pos[k] + "+" + refs.len[k]
                    + (refs.signed[k] ? " signed" : ""));
        }
        return out;
    }

    /** Compares both decoders on every body; returns how many bodies were compared. */
    static int compareBodies(byte[] module, String name) {
        WasmModule m;
        try {
            m = WasmModule.parse(module);
        } catch (MalformedModuleException e) {
            return 0; // the section structure is broken before any body: nothing to compare
        }
        int bodies = m.functionCount() - m.importedFunctionCount();
        for (int i = 0; i < bodies; i++) {
            int from = m.bodyStart(i);
            int to = m.bodyEnd(i);
            for (int mask : MASKS) {
                Outcome expected = general(module, from, to, mask);
                assertEquals(expected, fast(module, from, to, mask), () -> name + ": body " + from + ".." + to + ", mask " + mask);
                assertEquals(expected, compact(module, from, to, mask),
                        () -> name + ": body " + from + ".." + to + ", mask " + mask + " (compact)");
            }
        }
        return bodies;
    }

    @TestFactory
    Stream<DynamicTest> specSuiteBodiesDecodeAlike() {
        return SpecCorpus.tests(c -> true, c -> compareBodies(RoundTrips.read(c.path()), c.toString()));
    }

    @Test
    void rustFixtureBodiesDecodeAlikeAlsoWhenDamaged() throws IOException {
        List<Path> fixtures = Checkout.rustFixtures();
        assertTrue(fixtures.size() >= 5, "committed Rust fixtures expected in fixtures/modules");
        for (Path p : fixtures) {
            byte[] module = Files.readAllBytes(p);
            assertTrue(compareBodies(module, p.getFileName().toString()) > 0);
            damagedBodiesDecodeAlike(module, p.getFileName().toString(), 400);
        }
    }

    @Test
    void npmModuleBodiesDecodeAlikeAlsoWhenDamaged() {
        for (NpmModule npm : NpmModules.ciSubset()) {
            byte[] module = RoundTrips.read(npm.path());
            assertTrue(compareBodies(module, npm.toString()) > 0);
            damagedBodiesDecodeAlike(module, npm.toString(), 2000);
        }
    }

    /**
     * Changes bytes inside bodies, one body at a time, and compares the decoders on the
     * damaged body: long LEB128s, invalid opcodes, bodies that end early or run on, bad block
     * types and memory flags all meet the fast path's acceptance tests.
     */
    static void damagedBodiesDecodeAlike(byte[] module, String name, int trials) {
        WasmModule m = WasmModule.parse(module);
        int bodies = m.functionCount() - m.importedFunctionCount();
        Random random = new Random(name.hashCode());
        byte[] interesting = {0x00, 0x0B, 0x40, 0x7F, (byte) 0x80, (byte) 0xFF, 0x0E, 0x11, 0x10, 0x41, 0x42,
                0x28, (byte) 0xFC, (byte) 0xFD, 0x1C, 0x05, 0x70, 0x6F};
        for (int t = 0; t < trials; t++) {
            int i = random.nextInt(bodies);
            int from = m.bodyStart(i);
            int to = m.bodyEnd(i);
            byte[] damaged = module.clone();
            for (int k = 1 + random.nextInt(3); k > 0; k--) {
                int at = from + random.nextInt(to - from);
                damaged[at] = random.nextBoolean() ? interesting[random.nextInt(interesting.length)] : (byte) random.nextInt(256);
            }
            int mask = MASKS[t % MASKS.length];
            Outcome expected = general(damaged, from, to, mask);
            int trial = t;
            assertEquals(expected, fast(damaged, from, to, mask), () -> name + ": damaged body " + from + ".." + to
                    + " (trial " + trial + ", mask " + mask + ")");
            assertEquals(expected, compact(damaged, from, to, mask), () -> name + ": damaged body " + from + ".." + to
                    + " (trial " + trial + ", mask " + mask + ", compact)");
        }
    }
}
