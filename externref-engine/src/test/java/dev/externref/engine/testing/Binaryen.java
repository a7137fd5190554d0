package dev.externref.engine.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * binaryen's {@code wasm-opt} from npm, installed by {@code scripts/install-binaryen.sh} into the
 * directory the system property {@value #PROPERTY} names (the root pom passes it to surefire;
 * without it {@code <checkout>/target/binaryen}). Missing: the test skips, or fails when
 * {@code CI=true}.
 */
public final class Binaryen {
    public static final String PROPERTY = "externref.binaryen";
    /** The release processed modules are optimized with in the tests. */
    public static final String GOOD = "132.0.0";
    /** Debian's release: exports the wrong table, must be refused. */
    public static final String REFUSED = "108.0.0";

    private Binaryen() {
    }

    /** The {@code wasm-opt} executable of an installed npm release, such as {@link #GOOD}. */
    public static Path wasmOpt(String version) {
        String property = System.getProperty(PROPERTY);
        Path dir = property == null || property.isBlank() ? Checkout.resolve("target/binaryen") : Path.of(property);
        Path exe = dir.resolve(version).resolve("node_modules/.bin/wasm-opt").toAbsolutePath().normalize();
        if (!Files.isExecutable(exe)) {
            return Prerequisite.missing("binaryen " + version + " not installed: " + exe
                    + " (run bash scripts/install-binaryen.sh)");
        }
        return exe;
    }
}
