package dev.externref.engine.transform;

import dev.externref.engine.ExternrefProcessor;
import dev.externref.engine.error.ProcessingException;
import dev.externref.engine.error.ProcessingException.Kind;
import dev.externref.engine.ProcessingResult;
import dev.externref.engine.transform.testkit.Demo;
import dev.externref.engine.transform.testkit.Modules;
import dev.externref.engine.transform.testkit.Records;
import dev.externref.engine.transform.testkit.ValidatedOutputs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ABI.md, "The custom section {@code __externrefs}" and "Surrogate imports": every rule about
 * records and about the {@code externref.*} imports, with the error kind each breach gives.
 */
class RecordRulesTest {
    @RegisterExtension
    static final ValidatedOutputs outputs = new ValidatedOutputs();

    private static final ExternrefProcessor PROCESSOR = ExternrefProcessor.builder().build();
    private static final List<String> DEMO_IMPORTS = List.of("host.len (externref) -> i32", "host.make (i32) -> externref");
    private static final List<String> DEMO_EXPORTS = List.of("length_of (externref) -> i32", "make (i32) -> externref");

    private static ProcessingException failure(byte[] input) {
        return assertThrows(ProcessingException.class, () -> PROCESSOR.process(input));
    }

    private static void assertMentions(ProcessingException e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message should mention '" + part + "': " + e.getMessage());
        }
    }

    // ---- records that are fine

    @Test
    void theDemoRecordsPatchTwoImportsAndTwoExports() {
        ProcessingResult r = outputs.process(Demo.module(), "demo");
        assertEquals(DEMO_IMPORTS, r.report().imports());
        assertEquals(DEMO_EXPORTS, r.report().exports());
    }

    @Test
    void aRecordForAnImportTheModuleDoesNotHaveIsIgnored() {
        ProcessingResult r = outputs.process(Demo.module("", Demo.records()
                .importFn("host", "absent", 2, 0)
                .importFn("elsewhere", "len", 2, 0)), "unused import record");
        assertEquals(DEMO_IMPORTS, r.report().imports());
    }

    @Test
    void identicalRecordsAreOne() {
        byte[] input = Demo.module("", Demo.records().importFn("host", "len", 2, 0).export("make", 2, 1));
        ProcessingResult r = outputs.process(input, "duplicates in one section");
        assertEquals(DEMO_IMPORTS, r.report().imports());
        assertEquals(DEMO_EXPORTS, r.report().exports());

        byte[] twoSections = Demo.records().appendTo(Demo.module());
        ProcessingResult two = outputs.process(twoSections, "duplicates in two sections");
        assertEquals(DEMO_IMPORTS, two.report().imports());
        assertEquals(-1, Modules.indexOf(two.output(), Records.SECTION.getBytes()), "both sections are removed");
    }

    // ---- conflicts

    @Test
    void conflictingRecordsInOneSectionAreAnError() {
        ProcessingException e = failure(Demo.module("", Demo.records().importFn("host", "len", 2, 1)));
        assertEquals(Kind.CONFLICTING_RECORDS, e.kind());
        assertEquals("len", e.function());
        assertMentions(e, "host.len");
    }

    @Test
    void recordsThatDifferInBitCountConflict() {
        ProcessingException e = failure(Demo.module("", Demo.records().export("make", 3, 1)));
        assertEquals(Kind.CONFLICTING_RECORDS, e.kind());
        assertMentions(e, "make");
    }

    @Test
    void conflictingRecordsInTwoSectionsAreAnError() {
        byte[] input = Records.of().importFn("host", "len", 2, 1).appendTo(Demo.module());
        ProcessingException e = failure(input);
        assertEquals(Kind.CONFLICTING_RECORDS, e.kind());
        assertMentions(e, "host.len");
    }

    @Test
    void aRecordMarkingNothingConflictsWithOneMarkingAReferenceInAnotherSection() {
        byte[] after = Records.of().importFn("host", "len", 2).appendTo(Demo.module());
        byte[] before = Demo.records().appendTo(Demo.module("", Records.of().importFn("host", "len", 2)));
        for (byte[] input : List.of(after, before)) {
            ProcessingException e = failure(input);
            assertEquals(Kind.CONFLICTING_RECORDS, e.kind());
            assertMentions(e, "host.len");
        }
    }

    // ---- what a record names

    @Test
    void anExportRecordForAMissingExportIsAnError() {
        ProcessingException e = failure(Demo.module("", Demo.records().export("nope", 1, 0)));
        assertEquals(Kind.MISSING_EXPORT, e.kind());
        assertEquals("nope", e.function());
        assertMentions(e, "'nope'", "no such export");
    }

    /** An export may name an imported function; its record then describes that import too. */
    @Test
    void anExportOfADescribedImportDescribedAlikeIsProcessed() {
        ProcessingResult r = outputs.process(Demo.module("(export \"len_again\" (func $host_len))",
                Demo.records().export("len_again", 2, 0)), "export of an import");
        assertEquals(DEMO_IMPORTS, r.report().imports());
        assertTrue(r.report().exports().contains("len_again (externref) -> i32"), r.report().exports().toString());
    }

    /**
     * Explaining a failure in a function that is neither guarded nor described looks at every
     * described export's body; an export of an import has none.
     */
    @Test
    void aFailureIsExplainedWhenADescribedExportNamesAnImport() {
        ProcessingException e = failure(Demo.module("""
                  (export "len_again" (func $host_len))
                  (func (export "caller") (result i32)
                    i32.const 5
                    call 9)
                """, Demo.records().export("len_again", 2, 0)));
        assertEquals(Kind.UNEXPECTED_REFERENCE_CALL, e.kind());
        assertMentions(e, "export 'caller'", "parameter 0 of export 'length_of'");
    }

    @Test
    void anExportOfAnImportDescribedOtherwiseConflictsWithTheImportsRecord() {
        ProcessingException e = failure(Demo.module("(export \"len_again\" (func $host_len))",
                Demo.records().export("len_again", 2, 1)));
        assertEquals(Kind.CONFLICTING_RECORDS, e.kind());
    }

    @Test
    void anExportRecordForAMemoryIsAnError() {
        ProcessingException e = failure(Demo.module("", Demo.records().export("memory", 1, 0)));
        assertEquals(Kind.NOT_A_FUNCTION, e.kind());
        assertEquals("memory", e.function());
        assertMentions(e, "'memory'", "memory, not a function");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "(import \"host\" \"thing\" (global i32))          | global",
        "(import \"host\" \"thing\" (memory 1))            | memory",
        "(import \"host\" \"thing\" (table 1 funcref))     | table",
    })
    void anImportRecordForANonFunctionImportIsAnError(String imp, String kind) {
        byte[] input = Records.of().importFn("host", "thing", 1, 0)
                .appendTo(Modules.wat("(module " + imp + ")"));
        ProcessingException e = failure(input);
        assertEquals(Kind.NOT_A_FUNCTION, e.kind());
        assertEquals("host.thing", e.function());
        assertMentions(e, "host.thing", kind + ", not a function");
    }

    // ---- arity and types

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "import | 3 | len",
        "import | 1 | len",
        "export | 1 | length_of",
        "export | 0 | make",
    })
    void aBitCountOtherThanParametersPlusResultsIsAnArityError(String kind, int bits, String name) {
        Records records = kind.equals("import")
                ? Records.of().importFn("host", name, bits, 0)
                : Records.of().export(name, bits);
        ProcessingException e = failure(Demo.module("", records));
        assertEquals(Kind.ARITY_MISMATCH, e.kind());
        assertEquals(name, e.function());
        assertMentions(e, name, bits + " positions", "has 2");
    }

    private static final String WIDE = """
            (module
              (import "host" "wide" (func (param i64 i32) (result f32)))
              (func (export "narrow") (param i32 f64) (result i32) local.get 0))
            """;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "import | 0 | parameter 0 | i64",
        "import | 2 | result 0    | f32",
        "export | 1 | parameter 1 | f64",
    })
    void aMarkedPositionThatIsNotAnI32IsATypeError(String kind, int bit, String position, String type) {
        Records records = kind.equals("import")
                ? Records.of().importFn("host", "wide", 3, 1, bit)
                : Records.of().export("narrow", 3, 0, bit);
        ProcessingException e = failure(records.appendTo(Modules.wat(WIDE)));
        assertEquals(Kind.TYPE_MISMATCH, e.kind());
        String name = kind.equals("import") ? "wide" : "narrow";
        assertEquals(name, e.function());
        assertMentions(e, name, position, type);
    }

    @Test
    void markedI32PositionsOfTheSameFunctionsAreAccepted() {
        ProcessingResult r = outputs.process(Records.of().importFn("host", "wide", 3, 1).export("narrow", 3, 0, 2)
                .appendTo(Modules.wat(WIDE)), "wide");
        assertEquals(List.of("host.wide (i64, externref) -> f32"), r.report().imports());
        assertEquals(List.of("narrow (externref, f64) -> externref"), r.report().exports());
    }

    // ---- surrogate imports

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "(import \"externref\" \"insert\" (func (param i32)))                 | externref.insert | expected (i32) -> i32",
        "(import \"externref\" \"get\" (func (param i64) (result i32)))       | externref.get    | expected (i32) -> i32",
        "(import \"externref\" \"drop\" (func (param i32) (result i32)))      | externref.drop   | expected (i32) -> ()",
        "(import \"externref\" \"guard\" (func (param i32)))                  | externref.guard  | expected () -> ()",
        "(import \"externref\" \"insert\" (func (param externref) (result i32))) | externref.insert | expected (i32) -> i32",
        "(import \"externref\" \"drop\" (global i32))                         | externref.drop   | global",
        "(import \"externref\" \"insert\" (memory 1))                         | externref.insert | memory",
        "(import \"externref\" \"get\" (table 1 externref))                   | externref.get    | table",
        "(import \"externref\" \"release\" (func (param i32)))                | externref.release | not one of insert, get, drop, guard",
    })
    void aSurrogateImportOfTheWrongTypeOrKindIsAnError(String imp, String name, String detail) {
        byte[] input = Records.of().appendTo(Modules.wat("(module " + imp + ")"));
        ProcessingException e = failure(input);
        assertEquals(Kind.BAD_SURROGATE_IMPORT, e.kind());
        assertTrue(e.function().contains(name), e.function());
        assertMentions(e, name, detail);
    }

    @Test
    void aRecordDescribingASurrogateIsAnError() {
        ProcessingException e = failure(Demo.module("", Demo.records().importFn("externref", "insert", 2, 0)));
        assertEquals(Kind.BAD_SURROGATE_IMPORT, e.kind());
        assertMentions(e, "externref.insert");
    }

    // ---- malformed sections

    /** One record, {@code import "host" "len"}, 2 positions, bit 0: 20 bytes. */
    private static final byte[] ONE_RECORD = Records.of().importFn("host", "len", 2, 0).bytes();

    @ParameterizedTest(name = "cut after {0} bytes: {1}")
    @CsvSource(delimiter = '|', value = {
        "1  | 0  | record #0: its kind",
        "3  | 0  | record #0: its kind",
        "4  | 4  | record #0: the import's module name",
        "7  | 4  | record #0: the import's module name",
        "8  | 8  | record #0: the name length",
        "11 | 8  | record #0: the name length",
        "12 | 12 | record #0: the name",
        "14 | 12 | record #0: the name",
        "15 | 15 | record #0 (len): the bit count",
        "18 | 15 | record #0 (len): the bit count",
        "19 | 19 | record #0 (len): 2 reference bits",
    })
    void aTruncatedRecordIsAnErrorNamingWhatWasBeingRead(int keep, int fieldStart, String what) {
        byte[] payload = Arrays.copyOf(ONE_RECORD, keep);
        byte[] input = Modules.withCustomSection(Demo.module(), Records.SECTION, payload);
        ProcessingException e = failure(input);
        assertEquals(Kind.MALFORMED_SECTION, e.kind());
        assertMentions(e, "truncated", "__externrefs", what);
        assertEquals(input.length - keep + fieldStart, e.offset(), "offset of the field that is cut");
    }

    @Test
    void aTruncatedSecondRecordNamesItsNumber() {
        byte[] payload = Records.of().export("make", 2, 1).raw(Arrays.copyOf(ONE_RECORD, 10)).bytes();
        ProcessingException e = failure(Modules.withCustomSection(Demo.module(), Records.SECTION, payload));
        assertEquals(Kind.MALFORMED_SECTION, e.kind());
        assertMentions(e, "record #1: the name length");
    }

    @Test
    void aHugeLengthIsTruncationNotAnAllocation() {
        byte[] payload = Records.of().u32(0x7FFF_FFF0).raw((byte) 'h').bytes();
        ProcessingException e = failure(Modules.withCustomSection(Demo.module(), Records.SECTION, payload));
        assertEquals(Kind.MALFORMED_SECTION, e.kind());
        assertMentions(e, "module name");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "module | the import's module name",
        "name   | the name",
    })
    void invalidUtf8IsAnErrorNamingWhatWasBeingRead(String where, String what) {
        byte[] bad = {(byte) 0xC3, (byte) 0x28};
        Records r = Records.of();
        if (where.equals("module")) {
            r.u32(2).raw(bad).u32(3).raw("len".getBytes()).u32(2).raw((byte) 1);
        } else {
            r.u32(4).raw("host".getBytes()).u32(2).raw(bad).u32(2).raw((byte) 1);
        }
        ProcessingException e = failure(r.appendTo(Demo.module()));
        assertEquals(Kind.MALFORMED_SECTION, e.kind());
        assertMentions(e, "invalid UTF-8", "__externrefs", what);
    }
}
