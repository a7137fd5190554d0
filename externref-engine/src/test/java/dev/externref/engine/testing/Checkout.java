package dev.externref.engine.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** The root of the project checkout, found from the test's working directory. */
public final class Checkout {
    private static volatile Path root;

    private Checkout() {
    }

    /**
     * The checkout root: the nearest directory at or above {@code user.dir} (under surefire the
     * module's basedir) that holds both {@code pom.xml} and {@code scripts/validate.mjs}.
     */
    public static Path root() {
        Path found = root;
        if (found == null) {
            Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath().normalize();
            found = find(start);
            if (found == null) {
                throw new AssertionError("cannot find the checkout root (a directory with pom.xml and "
                        + "scripts/validate.mjs) at or above user.dir=" + start);
            }
            root = found;
        }
        return found;
    }

    /** A path inside the checkout, given relative to its root. */
    public static Path resolve(String relative) {
        return root().resolve(relative);
    }

    /** The committed Rust fixtures, {@code fixtures/modules/*.wasm}, in name order; fails when there are none. */
    public static java.util.List<Path> rustFixtures() {
        try (java.util.stream.Stream<Path> files = Files.list(resolve("fixtures/modules"))) {
            java.util.List<Path> found = files.filter(p -> p.toString().endsWith(".wasm")).sorted().toList();
            if (found.isEmpty()) {
                throw new AssertionError("committed Rust fixtures expected in fixtures/modules");
            }
            return found;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Path find(Path start) {
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isRegularFile(dir.resolve("scripts/validate.mjs"))) {
                return dir;
            }
        }
        return null;
    }
}
