package dev.externref.engine.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The project's shared directory ({@code ../shared} beside the checkout): the fixtures and the
 * spec corpus. Its location comes from the system property {@value #PROPERTY}, which the root
 * pom passes to surefire; without it (a test started from an IDE) {@code <checkout>/../shared}.
 * A missing directory or file skips the test, or fails it when {@code CI=true}.
 */
public final class SharedFiles {
    /** The system property naming the shared directory. */
    public static final String PROPERTY = "externref.shared";

    private SharedFiles() {
    }

    /** The shared directory itself. */
    public static Path root() {
        Path root = configuredRoot();
        if (!Files.isDirectory(root)) {
            return Prerequisite.missing("shared directory not found: " + root + " (system property "
                    + PROPERTY + "; expected ../shared beside the checkout)");
        }
        return root;
    }

    /** A file of {@code shared/fixtures/}, for example {@code fixture("upstream-e2e.wasm")}. */
    public static Path fixture(String name) {
        return file("fixtures/" + name);
    }

    /** The spec corpus directory {@code shared/spec-corpus/} (holding {@code index.tsv}). */
    public static Path specCorpus() {
        Path dir = root().resolve("spec-corpus");
        if (!Files.isRegularFile(dir.resolve("index.tsv"))) {
            return Prerequisite.missing("spec corpus not found: " + dir.resolve("index.tsv")
                    + " (system property " + PROPERTY + "=" + configuredRoot() + ")");
        }
        return dir;
    }

    /** Any regular file under the shared directory, given relative to it. */
    public static Path file(String relative) {
        Path file = root().resolve(relative);
        if (!Files.isRegularFile(file)) {
            return Prerequisite.missing("shared file not found: " + file + " (system property "
                    + PROPERTY + "=" + configuredRoot() + ")");
        }
        return file;
    }

    static Path configuredRoot() {
        String property = System.getProperty(PROPERTY);
        Path root = property == null || property.isBlank()
                ? Checkout.root().resolveSibling("shared")
                : Path.of(property);
        return root.toAbsolutePath().normalize();
    }
}
