package dev.externref.engine.format;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the format tests find their inputs outside the checkout: the shared directory (system
 * property {@code externref.shared}, else {@code ../shared}) and the fetched npm modules
 * ({@code externref.npmModules}, else {@code target/npm-modules} at the checkout root).
 *
 * <p>A private stand-in for the infra branch's {@code dev.externref.engine.testing} helpers,
 * with the same rule: what is missing skips the test with a message saying how to get it, and
 * fails it instead when the environment has {@code CI=true}.
 */
final class Inputs {
    private Inputs() {
    }

    static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Skips the test, or fails it in CI. */
    static <T> T missing(String message) {
        if (ci()) {
            throw new AssertionError(message + " [CI=true: required, not skipped]");
        }
        Assumptions.abort(message);
        throw new AssertionError("unreachable");
    }

    /** The checkout root: the nearest directory upwards holding {@code scripts/} and a pom. */
    static Path checkout() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("scripts")) && Files.isRegularFile(d.resolve("pom.xml"))) {
                return d;
            }
        }
        return dir.getParent() != null ? dir.getParent() : dir;
    }

    static Path shared() {
        String p = System.getProperty("externref.shared");
        Path root = (p == null || p.isBlank() ? checkout().resolveSibling("shared") : Path.of(p)).toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            return missing("shared directory not found: " + root + " (system property externref.shared; expected ../shared beside the checkout)");
        }
        return root;
    }

    static Path sharedFile(String relative) {
        Path f = shared().resolve(relative);
        if (!Files.exists(f)) {
            return missing("shared file not found: " + f);
        }
        return f;
    }

    static Path fixture() {
        return sharedFile("fixtures/upstream-e2e.wasm");
    }

    static Path specCorpus() {
        Path dir = shared().resolve("spec-corpus");
        if (!Files.isRegularFile(dir.resolve("index.tsv"))) {
            return missing("spec corpus not found: " + dir.resolve("index.tsv"));
        }
        return dir;
    }

    static Path npmModulesDir() {
        String p = System.getProperty("externref.npmModules");
        return (p == null || p.isBlank() ? checkout().resolve("target/npm-modules") : Path.of(p)).toAbsolutePath().normalize();
    }

    /** One listed npm module: file name, whether it is in the CI subset. */
    record NpmModule(String file, Path path, long size, boolean ci, String pkg) {
        @Override
        public String toString() {
            return file + " (" + pkg + ")";
        }
    }

    /** The fetched npm modules of {@code scripts/npm-modules.tsv} (skips, or fails in CI, when the CI subset is missing). */
    static List<NpmModule> npmModules() {
        Path list = checkout().resolve("scripts/npm-modules.tsv");
        Path dir = npmModulesDir();
        List<NpmModule> present = new ArrayList<>();
        List<String> missingCi = new ArrayList<>();
        for (String line : lines(list).subList(1, lines(list).size())) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] c = line.split("\t", -1);
            NpmModule m = new NpmModule(c[3], dir.resolve(c[3]), Long.parseLong(c[4]), c[6].equals("yes"), c[0] + "@" + c[1]);
            if (Files.isRegularFile(m.path()) && size(m.path()) == m.size()) {
                present.add(m);
            } else if (m.ci()) {
                missingCi.add(m.file());
            }
        }
        if (!missingCi.isEmpty()) {
            return missing("npm modules not fetched: " + missingCi + " in " + dir + ": run scripts/fetch-npm-modules.sh (--all for every module)");
        }
        return present;
    }

    static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Stream<Path> wasmFiles(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.toString().endsWith(".wasm")).sorted().toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
