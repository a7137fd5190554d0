package dev.externref.engine.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class NpmModulesTest {
    private static final String HEADER = "package\tversion\tpath\tfile\tsize\tsha256\tci\tnote";
    private static final String SHA = "22bf6e9f9a100d972da0411a69c5ba504367fc1fa87b3b64e3f35e53926d2d70";

    private static List<NpmModule> parse(String... rows) {
        List<String> lines = new java.util.ArrayList<>();
        lines.add(HEADER);
        lines.addAll(List.of(rows));
        return NpmModules.parse(Tsv.parse("npm-modules.tsv", lines), Path.of("/npm"));
    }

    @Test
    void theCommittedListIsWellFormed() {
        List<NpmModule> modules = NpmModules.list(Path.of("/npm"));
        assertTrue(modules.size() >= 8, modules::toString);
        List<String> ci = modules.stream().filter(NpmModule::ci).map(NpmModule::fileName).toList();
        assertEquals(List.of("sql-wasm.wasm", "sql-wasm-debug.wasm", "resvg.wasm"), ci);
        assertTrue(modules.stream().filter(NpmModule::ci).allMatch(m -> m.size() < 3_000_000), modules::toString);
        assertTrue(modules.stream().map(NpmModule::packageName).toList().containsAll(List.of(
                "sql.js", "@resvg/resvg-wasm", "esbuild-wasm", "lightningcss-wasm", "@swc/wasm", "onnxruntime-web",
                "@duckdb/duckdb-wasm", "@biomejs/wasm-nodejs")));
    }

    @Test
    void aRowBecomesAModule() {
        NpmModule m = parse("@resvg/resvg-wasm\t2.6.2\tpackage/index_bg.wasm\tresvg.wasm\t2478606\t" + SHA + "\tyes\tRust").get(0);
        assertEquals(new NpmModule("@resvg/resvg-wasm", "2.6.2", "package/index_bg.wasm", Path.of("/npm/resvg.wasm"),
                2478606, SHA, true, "Rust"), m);
        assertEquals("resvg.wasm (@resvg/resvg-wasm@2.6.2)", m.toString());
    }

    @Test
    void badRowsAreErrorsNamingTheLine() {
        assertEquals("npm-modules.tsv:2: ci must be yes or no, found 'maybe'", assertThrows(IllegalArgumentException.class,
                () -> parse("p\t1\tpackage/a.wasm\ta.wasm\t1\t" + SHA + "\tmaybe\t")).getMessage());
        assertEquals("npm-modules.tsv:2: sha256 must be 64 lower-case hex digits, found 'abc'",
                assertThrows(IllegalArgumentException.class,
                        () -> parse("p\t1\tpackage/a.wasm\ta.wasm\t1\tabc\tno\t")).getMessage());
        assertEquals("npm-modules.tsv:3: duplicate file a.wasm", assertThrows(IllegalArgumentException.class,
                () -> parse("p\t1\tpackage/a.wasm\ta.wasm\t1\t" + SHA + "\tno\t",
                        "q\t1\tpackage/a.wasm\ta.wasm\t1\t" + SHA + "\tno\t")).getMessage());
        assertEquals("npm-modules.tsv:2: file must be a plain .wasm file name, found 'x/a.wasm'",
                assertThrows(IllegalArgumentException.class,
                        () -> parse("p\t1\tpackage/a.wasm\tx/a.wasm\t1\t" + SHA + "\tno\t")).getMessage());
        assertEquals("npm-modules.tsv:2: size must be a non-negative integer, found '-1'",
                assertThrows(IllegalArgumentException.class,
                        () -> parse("p\t1\tpackage/a.wasm\ta.wasm\t-1\t" + SHA + "\tno\t")).getMessage());
    }

    // The fetched modules (skipped until scripts/fetch-npm-modules.sh has run, failing in CI).

    @Test
    void v8AcceptsTheCiSubset() {
        List<NpmModule> modules = NpmModules.ciSubset();
        List<Node.Validation> results = Node.validate(modules.stream().map(NpmModule::path).toList());
        assertEquals(modules.size(), results.size());
        assertTrue(results.stream().allMatch(Node.Validation::valid), results::toString);
    }

    @ParameterizedTest
    @MethodSource("dev.externref.engine.testing.NpmModules#all")
    void everyFetchedModuleHasItsListedSize(NpmModule module) throws Exception {
        assertEquals(module.size(), java.nio.file.Files.size(module.path()));
        assertTrue(module.path().startsWith(NpmModules.directory()));
    }
}
