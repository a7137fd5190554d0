package dev.externref.engine.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.function.ThrowingConsumer;

/**
 * The spec corpus in {@code shared/spec-corpus/}: WebAssembly spec test suite modules as
 * binaries, described by {@code index.tsv}. Use the static factories with {@code @MethodSource},
 * for example {@code @MethodSource("dev.externref.engine.testing.SpecCorpus#valid")}, or
 * {@link #tests} with {@code @TestFactory}.
 */
public final class SpecCorpus {
    /** The columns every index must have; {@code feature_hint} and {@code note} may be absent. */
    static final String[] REQUIRED_COLUMNS = {
        "file", "class", "source_wast", "line", "proposal", "converter", "command", "expected_text"
    };

    private static volatile SpecCorpus loaded;

    private final Path root;
    private final List<SpecCase> cases;

    private SpecCorpus(Path root, List<SpecCase> cases) {
        this.root = root;
        this.cases = List.copyOf(cases);
    }

    /**
     * The shared corpus (read once per JVM). Skips, or fails in CI, when the corpus is absent;
     * fails when the index names a file that is not there.
     */
    public static SpecCorpus load() {
        SpecCorpus corpus = loaded;
        if (corpus == null) {
            Path dir = SharedFiles.specCorpus();
            corpus = parse(dir, Tsv.read(dir.resolve("index.tsv")));
            List<String> missing = corpus.cases.stream()
                    .filter(c -> !Files.isRegularFile(c.path()))
                    .map(SpecCase::file)
                    .toList();
            if (!missing.isEmpty()) {
                throw new AssertionError(missing.size() + " file(s) of " + dir.resolve("index.tsv")
                        + " are missing, first: " + missing.subList(0, Math.min(5, missing.size())));
            }
            loaded = corpus;
        }
        return corpus;
    }

    /** Parses an index; {@code root} is the directory its {@code file} column is relative to. */
    static SpecCorpus parse(Path root, Tsv index) {
        index.require(REQUIRED_COLUMNS);
        Path base = root.toAbsolutePath().normalize();
        List<SpecCase> cases = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Tsv.Row row : index.rows()) {
            String file = row.required("file");
            String classColumn = row.required("class");
            SpecCase.Kind kind = SpecCase.Kind.of(classColumn);
            if (kind == null) {
                throw row.error("unknown class '" + classColumn + "' (expected valid, invalid or malformed)");
            }
            if (!file.startsWith(kind.directory() + "/")) {
                throw row.error("file " + file + " of class " + classColumn + " is not in " + kind.directory() + "/");
            }
            Path path = base.resolve(file).normalize();
            if (!path.startsWith(base) || !file.endsWith(".wasm")) {
                throw row.error("file must be a .wasm path inside the corpus, found '" + file + "'");
            }
            if (!seen.add(file)) {
                throw row.error("duplicate file " + file);
            }
            String expected = row.get("expected_text");
            if (kind != SpecCase.Kind.VALID && expected.isEmpty()) {
                throw row.error("an " + classColumn + " case needs expected_text");
            }
            cases.add(new SpecCase(file, path, kind, row.required("source_wast"), row.positiveInt("line"),
                    row.required("proposal"), row.get("feature_hint"), row.required("converter"),
                    row.required("command"), expected, row.get("note")));
        }
        return new SpecCorpus(base, cases);
    }

    /** The corpus directory. */
    public Path root() {
        return root;
    }

    /** Every case, in index order. */
    public List<SpecCase> cases() {
        return cases;
    }

    /** The cases of one class, in index order. */
    public List<SpecCase> cases(SpecCase.Kind kind) {
        return cases.stream().filter(c -> c.kind() == kind).toList();
    }

    /** Every case of the shared corpus, for {@code @MethodSource}. */
    public static Stream<SpecCase> all() {
        return load().cases().stream();
    }

    /** Modules the suite declares valid, for {@code @MethodSource}. */
    public static Stream<SpecCase> valid() {
        return load().cases(SpecCase.Kind.VALID).stream();
    }

    /** Modules that decode but fail validation, for {@code @MethodSource}. */
    public static Stream<SpecCase> invalid() {
        return load().cases(SpecCase.Kind.INVALID).stream();
    }

    /** Binaries that must fail decoding, for {@code @MethodSource}. */
    public static Stream<SpecCase> malformed() {
        return load().cases(SpecCase.Kind.MALFORMED).stream();
    }

    /**
     * One dynamic test per selected case of the shared corpus, named after the case, with the
     * binary as its test source. For {@code @TestFactory}.
     */
    public static Stream<DynamicTest> tests(Predicate<SpecCase> filter, ThrowingConsumer<SpecCase> test) {
        return load().cases().stream()
                .filter(filter)
                .map(c -> DynamicTest.dynamicTest(c.toString(), c.path().toUri(), () -> test.accept(c)));
    }
}
