package dev.externref.engine.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SpecCorpusTest {
    private static final String HEADER =
            "file\tclass\tsource_wast\tline\tproposal\tfeature_hint\tconverter\tcommand\texpected_text\tnote";
    private static final Path ROOT = Path.of("/corpus");

    private static SpecCorpus parse(String... rows) {
        List<String> lines = new java.util.ArrayList<>();
        lines.add(HEADER);
        lines.addAll(List.of(rows));
        return SpecCorpus.parse(ROOT, Tsv.parse("index.tsv", lines));
    }

    private static IllegalArgumentException parseError(String... rows) {
        return assertThrows(IllegalArgumentException.class, () -> parse(rows));
    }

    @Test
    void rowsBecomeCasesWithEveryColumn() {
        SpecCorpus corpus = parse(
                "invalid/address.214.wasm\tinvalid\tsrc/address.wast\t214\tcore\tmvp/2.0\twasm-tools-259(jco)\tassert_invalid\toffset out of range\t",
                "valid/address0.3.wasm\tvalid\tsrc/address0.wast\t3\tcore\tmulti-memory\twast2json-1.0.32\tmodule\t\t",
                "malformed/binary.10.wasm\tmalformed\tsrc/binary.wast\t10\tcore\tmvp/2.0\twast2json-1.0.32\tassert_malformed\tmagic header not detected\t");
        assertEquals(3, corpus.cases().size());
        SpecCase first = corpus.cases().get(0);
        assertEquals("invalid/address.214.wasm", first.file());
        assertEquals(ROOT.resolve("invalid/address.214.wasm"), first.path());
        assertEquals(SpecCase.Kind.INVALID, first.kind());
        assertEquals("src/address.wast", first.sourceWast());
        assertEquals(214, first.line());
        assertEquals("src/address.wast:214", first.source());
        assertEquals("core", first.proposal());
        assertEquals("mvp/2.0", first.featureHint());
        assertEquals("wasm-tools-259(jco)", first.converter());
        assertEquals("assert_invalid", first.command());
        assertEquals("offset out of range", first.expectedText());
        assertEquals("", first.note());
        assertFalse(first.stale());
        assertEquals("invalid/address.214.wasm (src/address.wast:214)", first.toString());
        assertEquals("", corpus.cases().get(1).expectedText());
        assertEquals(List.of(corpus.cases().get(2)), corpus.cases(SpecCase.Kind.MALFORMED));
    }

    @Test
    void staleNotesAreRecognised() {
        SpecCase c = parse("invalid/threads.memory.15.wasm\tinvalid\tsrc/proposals/threads/memory.wast\t15\tthreads\tthreads"
                + "\twast2json-1.0.32\tassert_invalid\tmultiple memories\tstale: pre-multi-memory expectation").cases().get(0);
        assertTrue(c.stale());
        assertEquals("threads", c.proposal());
    }

    @Test
    void columnsAreFoundByNameAndOptionalOnesMayBeAbsent() {
        SpecCorpus corpus = SpecCorpus.parse(ROOT, Tsv.parse("index.tsv", List.of(
                "class\tfile\tline\tsource_wast\tproposal\tconverter\tcommand\texpected_text",
                "valid\tvalid/a.1.wasm\t1\tsrc/a.wast\tcore\tc\tmodule\t")));
        SpecCase c = corpus.cases().get(0);
        assertEquals("valid/a.1.wasm", c.file());
        assertEquals("", c.featureHint());
        assertEquals("", c.note());
    }

    @Test
    void emptyLinesAndCarriageReturnsAreTolerated() {
        SpecCorpus corpus = parse("valid/a.1.wasm\tvalid\tsrc/a.wast\t1\tcore\tmvp/2.0\tc\tmodule\t\t\r", "");
        assertEquals(1, corpus.cases().size());
        assertEquals("", corpus.cases().get(0).note());
    }

    @Test
    void aMissingColumnIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SpecCorpus.parse(ROOT,
                Tsv.parse("index.tsv", List.of("file\tclass\tline", "valid/a.wasm\tvalid\t1"))));
        assertTrue(e.getMessage().startsWith("index.tsv:1: missing column(s) source_wast, proposal, converter, command, expected_text"),
                e.getMessage());
    }

    @Test
    void aRowWithTheWrongNumberOfFieldsNamesItsLine() {
        IllegalArgumentException e = parseError(
                "valid/a.1.wasm\tvalid\tsrc/a.wast\t1\tcore\tmvp/2.0\tc\tmodule\t\t",
                "valid/a.2.wasm\tvalid\tsrc/a.wast\t2\tcore\tmvp/2.0\tc\tmodule\t");
        assertEquals("index.tsv:3: expected 10 tab-separated fields, found 9", e.getMessage());
    }

    @Test
    void anUnknownClassIsAnError() {
        assertEquals("index.tsv:2: unknown class 'bogus' (expected valid, invalid or malformed)",
                parseError("bogus/a.1.wasm\tbogus\tsrc/a.wast\t1\tcore\tx\tc\tmodule\t\t").getMessage());
    }

    @Test
    void aFileOutsideItsClassDirectoryIsAnError() {
        assertEquals("index.tsv:2: file invalid/a.1.wasm of class valid is not in valid/",
                parseError("invalid/a.1.wasm\tvalid\tsrc/a.wast\t1\tcore\tx\tc\tmodule\t\t").getMessage());
    }

    @Test
    void aPathEscapingTheCorpusIsAnError() {
        assertTrue(parseError("valid/../../etc/a.wasm\tvalid\tsrc/a.wast\t1\tcore\tx\tc\tmodule\t\t")
                .getMessage().contains("inside the corpus"));
    }

    @Test
    void aBadLineNumberIsAnError() {
        assertEquals("index.tsv:2: line must be a positive integer, found 'x'",
                parseError("valid/a.1.wasm\tvalid\tsrc/a.wast\tx\tcore\tm\tc\tmodule\t\t").getMessage());
        assertEquals("index.tsv:2: line must be a positive integer, found '0'",
                parseError("valid/a.1.wasm\tvalid\tsrc/a.wast\t0\tcore\tm\tc\tmodule\t\t").getMessage());
    }

    @Test
    void aDuplicateFileIsAnError() {
        assertEquals("index.tsv:3: duplicate file valid/a.1.wasm", parseError(
                "valid/a.1.wasm\tvalid\tsrc/a.wast\t1\tcore\tm\tc\tmodule\t\t",
                "valid/a.1.wasm\tvalid\tsrc/a.wast\t1\tcore\tm\tc\tmodule\t\t").getMessage());
    }

    @Test
    void anInvalidCaseNeedsItsExpectedText() {
        assertEquals("index.tsv:2: an invalid case needs expected_text",
                parseError("invalid/a.1.wasm\tinvalid\tsrc/a.wast\t1\tcore\tm\tc\tassert_invalid\t\t").getMessage());
    }

    @Test
    void aMissingRequiredFieldIsNamed() {
        assertEquals("index.tsv:2: empty source_wast",
                parseError("valid/a.1.wasm\tvalid\t\t1\tcore\tm\tc\tmodule\t\t").getMessage());
    }

    @Test
    void anEmptyIndexHasNoHeader() {
        assertEquals("index.tsv:1: missing header line",
                assertThrows(IllegalArgumentException.class, () -> Tsv.parse("index.tsv", List.of())).getMessage());
    }

    // The shared corpus itself (skipped without ../shared, failing in CI).

    @Test
    void theSharedCorpusLoadsWithEveryFilePresent() {
        SpecCorpus corpus = SpecCorpus.load();
        Map<SpecCase.Kind, Long> perKind = corpus.cases().stream()
                .collect(Collectors.groupingBy(SpecCase::kind, Collectors.counting()));
        assertTrue(perKind.get(SpecCase.Kind.VALID) > 1000, perKind::toString);
        assertTrue(perKind.get(SpecCase.Kind.INVALID) > 1000, perKind::toString);
        assertTrue(perKind.get(SpecCase.Kind.MALFORMED) > 100, perKind::toString);
        assertEquals(corpus.cases().size(), SpecCorpus.valid().count() + SpecCorpus.invalid().count()
                + SpecCorpus.malformed().count());
        assertTrue(corpus.cases().stream().allMatch(c -> Files.isRegularFile(c.path())));
        assertTrue(corpus.cases().stream().anyMatch(SpecCase::stale));
        Map<String, SpecCase> byFile = corpus.cases().stream()
                .collect(Collectors.toMap(SpecCase::file, Function.identity()));
        SpecCase known = byFile.get("invalid/address.214.wasm");
        assertEquals("offset out of range", known.expectedText());
        assertEquals("src/address.wast:214", known.source());
    }

    @Test
    void testsNamesEachDynamicTestAfterItsCaseWithTheBinaryAsSource() throws Throwable {
        List<SpecCase> ran = new java.util.ArrayList<>();
        List<org.junit.jupiter.api.DynamicTest> tests =
                SpecCorpus.tests(c -> c.file().equals("invalid/address.214.wasm"), ran::add).toList();
        assertEquals(1, tests.size());
        assertEquals("invalid/address.214.wasm (src/address.wast:214)", tests.get(0).getDisplayName());
        assertTrue(tests.get(0).getTestSourceUri().orElseThrow().toString().endsWith("/invalid/address.214.wasm"));
        tests.get(0).getExecutable().execute();
        assertEquals("invalid/address.214.wasm", ran.get(0).file());
    }

    @Test
    void v8RejectsEveryInvalidAndMalformedCaseExceptStaleOnes() {
        List<SpecCase> cases = SpecCorpus.all().filter(c -> c.kind() != SpecCase.Kind.VALID).toList();
        List<Node.Validation> results = Node.validate(cases.stream().map(SpecCase::path).toList());
        List<String> accepted = new java.util.ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            assertEquals(cases.get(i).path(), results.get(i).file());
            if (results.get(i).valid() && !cases.get(i).stale()) {
                accepted.add(cases.get(i).toString());
            }
        }
        assertEquals(List.of(), accepted, "V8 accepted modules the suite rejects");
    }
}
