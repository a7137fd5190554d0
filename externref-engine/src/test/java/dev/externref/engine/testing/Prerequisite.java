package dev.externref.engine.testing;

import org.junit.jupiter.api.Assumptions;

/**
 * What a test does when something it needs from outside the checkout is not there (the shared
 * directory, fetched npm modules, {@code node}): on a developer's machine the test is skipped
 * with a message that says how to get it; in CI ({@code CI=true}) a missing prerequisite is a
 * failure, so that a green CI run cannot silently have tested nothing.
 */
public final class Prerequisite {
    private Prerequisite() {
    }

    /** True when the environment variable {@code CI} is {@code true} (any case). */
    public static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /**
     * Skips the current test ({@link Assumptions#abort(String)}), or fails it in CI.
     *
     * @param message what is missing, where it was looked for and how to provide it
     * @return never returns normally; typed so callers can write {@code return missing(...)}
     */
    public static <T> T missing(String message) {
        return missing(message, ci());
    }

    static <T> T missing(String message, boolean ci) {
        if (ci) {
            throw new AssertionError(message + " [CI=true: required, not skipped]");
        }
        return Assumptions.abort(message);
    }
}
