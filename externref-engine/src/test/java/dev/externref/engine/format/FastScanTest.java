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
 * The writer's decoders ({@link InstructionReader#scanTable} for modules under 4 MB of code,
 * {@link InstructionReader#scanCompact}, and {@link InstructionReader#scanFast} for large
 * modules in a fresh JVM) against the general one
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

    static Outcome scan(byte[] module, int from, int to, int mask, InstructionReader.Loop loop) {
        IndexRefs refs = new IndexRefs();
        refs.mask = mask;
        try {
            ByteReader r = new ByteReader(module, from, to);
            InstructionReader in = new InstructionReader(module, FunctionBody.skipLocals(r, refs), to, refs);
            in.scan(loop);
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
                for (InstructionReader.Loop loop : InstructionReader.Loop.values()) {
                    assertEquals(expected, scan(module, from, to, mask, loop),
                            () -> name + ": body " + from + ".." + to + ", mask " + mask + ", " + loop);
                }
            }
        }
        return bodies;
    }

    /**
     * Bodies at the edges of what each loop takes without a hand-over: LEB128s of the longest
     * length with valid and invalid last bytes, code after the final end, an end inside an
     * immediate, block types and memory flags off the short path, data indices.
     */
    @Test
    void edgeBodiesDecodeAlike() {
        String nine = " 80 80 80 80 80 80 80 80 80";
        String[] codes = {
            "0b", "", "0b 0b", "0b 00", "0b ff", "0b 41", "41", "41 80", "02 40 0b", "02 40 03 40 0b 0b 0b",
            "41 80 80 80 80 07 1a 0b", "41 80 80 80 80 08 1a 0b", "41 ff ff ff ff 78 1a 0b", "41 ff ff ff ff 77 1a 0b",
            "20 80 80 80 80 0f 1a 0b", "20 80 80 80 80 10 1a 0b", "20 80 80 80 80 80 00 1a 0b",
            "42" + nine + " 00 1a 0b", "42" + nine + " 7f 1a 0b", "42" + nine + " 01 1a 0b", "42" + nine + " 80 00 1a 0b",
            "41 00 28 02" + nine + " 01 1a 0b", "41 00 28 02" + nine + " 02 1a 0b", "41 00 28 42 00 00 1a 0b",
            "41 00 28 82 00 00 1a 0b", "41 00 28 80 01 00 1a 0b",
            "02 00 0b 0b", "02 7f 41 00 0b 1a 0b", "02 70 d0 70 0b 1a 0b", "02 80 00 0b 0b", "02 7b 0b 0b",
            "43 00 00 0b", "43 00 00 80 3f 1a 0b", "44 00 00 00 00 00 00 f0 3f 1a 0b",
            "02 40 41 00 0e 02 00 00 00 0b 0b", "0e 80",
            "10 80 80 80 80 00 0b", "10 ff ff ff ff 7f 0b", "10 80 80 80 80 0f 0b", "12 00 0b", "d2 00 1a 0b", "10",
            "06 40 18 00 0b", "06 40 18 00 0b 0b", "fc 09 00 0b", "41 00 41 00 41 00 fc 08 00 00 0b",
            "23 80 01 1a 0b", "24 00 0b", "1c 01 7f 0b", "fd 0c" + " 00".repeat(16) + " 1a 0b", "fd 80 01 0b",
            "11 00 00 0b", "25 00 1a 0b", "3f 00 1a 0b", "0b" + " 0b".repeat(3),
        };
        for (String code : codes) {
            String hex = ("00 " + code).trim();
            byte[] body = java.util.HexFormat.ofDelimiter(" ").parseHex(hex);
            for (int mask : MASKS) {
                Outcome expected = general(body, 0, body.length, mask);
                for (InstructionReader.Loop loop : InstructionReader.Loop.values()) {
                    assertEquals(expected, scan(body, 0, body.length, mask, loop), () -> "code " + code + ", mask " + mask + ", " + loop);
                }
            }
        }
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
            for (InstructionReader.Loop loop : InstructionReader.Loop.values()) {
                assertEquals(expected, scan(damaged, from, to, mask, loop), () -> name + ": damaged body " + from + ".." + to
                        + " (trial " + trial + ", mask " + mask + ", " + loop + ")");
            }
        }
    }
}
