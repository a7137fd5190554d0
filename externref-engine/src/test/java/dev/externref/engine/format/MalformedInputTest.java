package dev.externref.engine.format;

import dev.externref.engine.error.MalformedModuleException;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static dev.externref.engine.format.ModuleBuilder.body;
import static dev.externref.engine.format.ModuleBuilder.bytes;
import static dev.externref.engine.format.ModuleBuilder.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Bad input ends in {@link MalformedModuleException} and nothing else: every truncation of the
 * upstream fixture, thousands of seeded single-byte mutations of it, and hand-made hostile
 * counts, lengths and LEB128s, which must also fail fast and without sizing allocations by the
 * numbers they claim.
 */
class MalformedInputTest {
    /** Parse, decode every body, write with a remap that touches everything: the full pipeline. */
    static byte[] process(byte[] module) {
        WasmModule m = WasmModule.parse(module);
        m.decodeAllBodies();
        return ModuleWriter.write(m, RoundTrips.SELF_EVERYWHERE);
    }

    @Test
    void everyTruncationIsRejectedUnlessItEndsBetweenSections() {
        byte[] fixture = RoundTrips.fixture();
        Set<Integer> sectionStarts = new TreeSet<>();
        for (Section s : WasmModule.parse(fixture).sections()) {
            sectionStarts.add(s.start());
        }
        Set<Integer> accepted = new TreeSet<>();
        for (int cut = 0; cut < fixture.length; cut++) {
            final int length = cut;
            byte[] prefix = Arrays.copyOf(fixture, length);
            try {
                byte[] out = process(prefix);
                accepted.add(length);
                assertTrue(sectionStarts.contains(length), "a module cut at " + length + ", inside a section, was accepted");
                RoundTrips.assertSameBytes(prefix, out, "a module cut between sections");
            } catch (MalformedModuleException expected) {
                assertTrue(expected.offset() >= 0 && expected.offset() <= length,
                        () -> "the error offset " + expected.offset() + " lies within the " + length + " bytes");
            }
        }
        // Header only; types; types and imports; everything before data, before each custom section.
        assertEquals(Set.of(8, 88, 221, 18715, 19865, 20020), accepted);
    }

    @Test
    void aComponentIsNamedAsSuchNotAsAnUnknownVersion() {
        byte[] component = {0, 'a', 's', 'm', 0x0d, 0, 1, 0}; // the component model's header: version 0x0d, layer 1
        MalformedModuleException e = assertThrows(MalformedModuleException.class, () -> process(component));
        assertTrue(e.getMessage().contains("a WebAssembly component (binary layer 1), not a core module"), e.getMessage());
        byte[] version13 = {0, 'a', 's', 'm', 0x0d, 0, 0, 0}; // a core module of another version: the spec's words
        assertTrue(assertThrows(MalformedModuleException.class, () -> process(version13)).getMessage()
                .contains("unknown binary version"));
    }

    @Test
    void seededSingleByteMutationsEndInSuccessOrMalformedModuleException() {
        byte[] fixture = RoundTrips.fixture();
        Random random = new Random(20261121L);
        int rejected = 0;
        int accepted = 0;
        for (int i = 0; i < 5000; i++) {
            byte[] mutated = fixture.clone();
            int at = i < 2000 ? random.nextInt(1000) : random.nextInt(mutated.length); // headers are dense with structure
            mutated[at] = (byte) (i % 3 == 0 ? mutated[at] ^ (1 << random.nextInt(8)) : random.nextInt(256));
            try {
                byte[] out = process(mutated);
                RoundTrips.assertSameBytes(mutated, out, "mutation " + i + " at byte " + at);
                accepted++;
            } catch (MalformedModuleException e) {
                rejected++;
            } catch (Throwable t) {
                throw new AssertionError("mutation " + i + ": byte " + at + " set to " + (mutated[at] & 0xFF)
                        + " ended in " + t, t);
            }
        }
        System.out.printf("single-byte mutations: %d accepted and written back byte for byte, %d rejected%n", accepted, rejected);
        assertTrue(rejected > 500 && accepted > 500, "both outcomes are exercised");
    }

    // ------------------------------------------------------------------ hostile numbers

    static final byte[] MAX_U32 = bytes(0xFF, 0xFF, 0xFF, 0xFF, 0x0F);
    static final byte[] HEADER = bytes(0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00);

    static byte[] section(int id, byte[]... content) {
        byte[] c = concat(content);
        return concat(bytes(id), ModuleBuilder.u32(c.length), c);
    }

    static byte[] module(byte[]... sections) {
        return concat(HEADER, concat(sections));
    }

    static final byte[] TYPE_VOID = section(Section.TYPE, bytes(0x01, 0x60, 0x00, 0x00));
    static final byte[] ONE_FUNCTION = section(Section.FUNCTION, bytes(0x01, 0x00));

    /** A module with one {@code () -> ()} function with the given body (locals and code). */
    static byte[] withBody(byte[] body) {
        return module(TYPE_VOID, ONE_FUNCTION, section(Section.CODE, bytes(0x01), ModuleBuilder.u32(body.length), body));
    }

    static Map<String, byte[]> hostile() {
        Map<String, byte[]> cases = new LinkedHashMap<>();
        for (int id : new int[] {Section.TYPE, Section.IMPORT, Section.FUNCTION, Section.TABLE, Section.MEMORY, Section.GLOBAL,
                Section.EXPORT, Section.ELEMENT, Section.CODE, Section.DATA, Section.TAG}) {
            cases.put("count 0xFFFFFFFF in the " + Section.name(id) + " section", module(section(id, MAX_U32)));
        }
        cases.put("section size 0xFFFFFFFF", concat(HEADER, bytes(Section.TYPE), MAX_U32, bytes(0x00)));
        cases.put("section size past the end", concat(HEADER, bytes(Section.TYPE, 0x10, 0x01, 0x60, 0x00, 0x00)));
        cases.put("custom section name length 0xFFFFFFFF", module(section(Section.CUSTOM, MAX_U32)));
        cases.put("import name length 0xFFFFFFFF", module(section(Section.IMPORT, bytes(0x01), MAX_U32, bytes(0x00, 0x00, 0x00))));
        cases.put("10-byte section size", concat(HEADER, bytes(Section.TYPE, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00)));
        cases.put("10-byte type count", module(section(Section.TYPE, bytes(0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00))));
        cases.put("u32 with bits above 2^32", module(section(Section.FUNCTION, bytes(0xFF, 0xFF, 0xFF, 0xFF, 0x7F))));
        cases.put("memory limits: 11-byte u64", module(section(Section.MEMORY, bytes(0x01, 0x00),
                bytes(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00))));
        cases.put("memory limits: u64 too large", module(section(Section.MEMORY, bytes(0x01, 0x04),
                bytes(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02))));
        cases.put("rec group of 0xFFFFFFFF types", module(section(Section.TYPE, bytes(0x01, 0x4E), MAX_U32)));
        cases.put("struct of 0xFFFFFFFF fields", module(section(Section.TYPE, bytes(0x01, 0x5F), MAX_U32)));
        cases.put("function type of 0xFFFFFFFF params", module(section(Section.TYPE, bytes(0x01, 0x60), MAX_U32)));
        cases.put("element segment of 0xFFFFFFFF functions", module(section(Section.ELEMENT, bytes(0x01, 0x01, 0x00), MAX_U32)));
        cases.put("data segment longer than the module", module(section(Section.DATA, bytes(0x01, 0x01), MAX_U32)));
        cases.put("function body size 0xFFFFFFFF", module(TYPE_VOID, ONE_FUNCTION, section(Section.CODE, bytes(0x01), MAX_U32)));
        cases.put("0xFFFFFFFF local runs", withBody(concat(MAX_U32, bytes(0x0B))));
        cases.put("locals adding up past 2^32 (too many locals)", withBody(concat(bytes(0x02), MAX_U32, bytes(0x7F), MAX_U32, bytes(0x7F, 0x0B))));
        cases.put("br_table of 0xFFFFFFFF labels", withBody(concat(bytes(0x00, 0x41, 0x00, 0x0E), MAX_U32, bytes(0x00, 0x0B))));
        cases.put("select with 0xFFFFFFFF types", withBody(concat(bytes(0x00, 0x1C), MAX_U32, bytes(0x0B))));
        cases.put("try_table with 0xFFFFFFFF clauses", withBody(concat(bytes(0x00, 0x1F, 0x40), MAX_U32, bytes(0x0B, 0x0B))));
        cases.put("i32.const with an 11-byte LEB128", withBody(bytes(0x00, 0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x1A, 0x0B)));
        cases.put("i64.const too large", withBody(bytes(0x00, 0x42, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02, 0x1A, 0x0B)));
        cases.put("prefixed opcode 0xFFFFFFFF", withBody(concat(bytes(0x00, 0xFC), MAX_U32, bytes(0x0B))));
        cases.put("block nesting without end", withBody(concat(bytes(0x00), repeat(bytes(0x02, 0x40), 100_000))));
        return cases;
    }

    static byte[] repeat(byte[] unit, int times) {
        byte[] out = new byte[unit.length * times];
        for (int i = 0; i < times; i++) {
            System.arraycopy(unit, 0, out, i * unit.length, unit.length);
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> hostileNumbersFailFastAndSmall() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        return hostile().entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            byte[] module = e.getValue();
            long[] allocated = new long[1];
            MalformedModuleException ex = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                try {
                    process(module); // once to load classes and warm up; measured the second time
                } catch (MalformedModuleException expected) {
                    // measured below
                }
                long before = threads.getCurrentThreadAllocatedBytes();
                try {
                    process(module);
                } catch (MalformedModuleException expected) {
                    allocated[0] = threads.getCurrentThreadAllocatedBytes() - before;
                    return expected;
                }
                return null;
            }, "a hang guard, not a speed target");
            if (ex == null) {
                fail("accepted: " + e.getKey());
            }
            // Nothing may be sized by the claimed count: a few small arrays and the exception.
            assertTrue(allocated[0] < 64 * 1024 + 16L * module.length,
                    () -> allocated[0] + " bytes allocated to reject a " + module.length + "-byte module: " + ex.getMessage());
        }));
    }

    @Test
    void hostileMessagesSayWhatWasWrong() {
        Map<String, byte[]> cases = hostile();
        assertMessage(cases, "10-byte type count", "integer representation too long");
        assertMessage(cases, "u32 with bits above 2^32", "integer too large");
        assertMessage(cases, "memory limits: u64 too large", "integer too large");
        assertMessage(cases, "section size 0xFFFFFFFF", "length out of bounds");
        assertMessage(cases, "locals adding up past 2^32 (too many locals)", "too many locals");
        assertMessage(cases, "count 0xFFFFFFFF in the type section", "4294967295 items cannot fit");
        assertMessage(cases, "prefixed opcode 0xFFFFFFFF", "illegal opcode fc ffffffff");
        assertMessage(cases, "i32.const with an 11-byte LEB128", "integer representation too long");
    }

    private static void assertMessage(Map<String, byte[]> cases, String name, String text) {
        byte[] module = cases.get(name);
        MalformedModuleException e = assertThrows(MalformedModuleException.class, () -> process(module), name);
        assertTrue(e.getMessage().contains(text), () -> name + ": \"" + e.getMessage() + "\" should say \"" + text + "\"");
    }

    /**
     * Names are validated eight ASCII bytes at a time: a bad byte or a multi-byte character at
     * any position of a long name, judged as the JDK's strict UTF-8 decoder judges it, with the
     * offset of the sequence that fails.
     */
    @Test
    void namesAreValidatedAtEveryPosition() {
        String[] inserts = {"\u00e9", "\u20ac", "\ud83d\ude00"};
        int[][] badSequences = {{0x80}, {0xC0, 0xAF}, {0xED, 0xA0, 0x80}, {0xF4, 0x90, 0x80, 0x80}, {0xE2, 0x82}, {0xFF}};
        for (int at = 0; at <= 20; at++) {
            for (String insert : inserts) {
                String name = "a".repeat(at) + insert + "b".repeat(20 - at);
                byte[] module = exporting(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                assertEquals(name, WasmModule.parse(module).exports().get(0).name());
            }
            for (int[] bad : badSequences) {
                byte[] utf8 = concat("a".repeat(at).getBytes(java.nio.charset.StandardCharsets.US_ASCII), bytes(bad),
                        "b".repeat(20 - at).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                assertThrows(java.nio.charset.CharacterCodingException.class, () -> java.nio.charset.StandardCharsets.UTF_8
                        .newDecoder().decode(java.nio.ByteBuffer.wrap(utf8)), "the JDK rejects it too");
                byte[] module = exporting(utf8);
                MalformedModuleException e = assertThrows(MalformedModuleException.class, () -> WasmModule.parse(module),
                        () -> java.util.Arrays.toString(bad) + " after " + utf8.length);
                assertTrue(e.getMessage().contains("malformed UTF-8 encoding"), e::getMessage);
                int nameStart = module.length - 2 - utf8.length; // the export's kind and index follow the name
                assertEquals(nameStart + at, e.offset(), () -> java.util.Arrays.toString(bad) + " at " + e.offset());
            }
        }
    }

    /** A module exporting memory 0 under {@code name} (the export section comes last). */
    private static byte[] exporting(byte[] name) {
        byte[] export = concat(bytes(0x01), ModuleBuilder.u32(name.length), name, bytes(0x02, 0x00));
        return module(section(Section.MEMORY, bytes(0x01, 0x00, 0x01)), section(Section.EXPORT, export));
    }

    @Test
    void aMalformedNameSectionIsDroppedWithAWarningWhenRenumbering() {
        byte[] names = concat(bytes(0x01), ModuleBuilder.u32(5), MAX_U32); // function names: count 0xFFFFFFFF
        byte[] module = concat(withBody(bytes(0x00, 0x0B)), section(Section.CUSTOM, ModuleBuilder.name("name"), names));
        RoundTrips.assertSameBytes(module, RoundTrips.fullRoundTrip(module, IndexRemap.IDENTITY), "untouched when not renumbering");
        ModuleWriter w = new ModuleWriter(WasmModule.parse(module), IndexRemap.shift(IndexSpace.FUNCTION, 0, 1));
        byte[] out = w.toBytes();
        assertEquals(1, w.warnings().size(), () -> "warnings: " + w.warnings());
        assertTrue(w.warnings().get(0).contains("name"));
        assertFalse(WasmModule.parse(out).sections().stream().anyMatch(s -> "name".equals(s.customName())));
    }

    @Test
    void removedButStillUsedIndicesAreReportedNotWritten() {
        byte[] module = new ModuleBuilder().funcType(new int[0], new int[0])
                .function(0, body(bytes(0x10, 0x01, 0x0B))).function(0, body(bytes(0x0B))).build();
        IndexRemap dropSecond = IndexRemap.functions(new int[] {0, -1});
        dev.externref.engine.error.WasmException e = assertThrows(dev.externref.engine.error.WasmException.class,
                () -> new ModuleWriter(WasmModule.parse(module), dropSecond,
                        new ModuleEdits().removeEntry(Section.FUNCTION, 1).removeEntry(Section.CODE, 1)).toBytes());
        assertTrue(e.getMessage().contains("function 1 is removed but still used"), e::getMessage);
        List<Integer> offsets = new ArrayList<>(List.of((int) e.offset()));
        assertTrue(offsets.get(0) > 0, "points at the call");
    }
}
