package dev.externref.maven;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

/** Checks of an invoker IT's {@code build.log}, for the verify scripts. */
public final class BuildLog {
    private BuildLog() {
    }

    /**
     * Fails when the build logged any warning: Maven's {@code [WARNING]} lines (plugin validation
     * issues, deprecated or missing APIs, descriptor problems, the plugin's own warnings) and the
     * JVM's {@code WARNING:} lines. Under Maven 3.9 and 4 the ITs run with plugin validation
     * {@code VERBOSE}, so whatever a newer Maven has to say about the plugin shows up here.
     */
    public static void assertNoWarnings(File basedir) throws IOException {
        File log = new File(basedir, "build.log");
        List<String> warnings = warnings(Files.readAllLines(log.toPath(), StandardCharsets.UTF_8));
        if (!warnings.isEmpty()) {
            throw new AssertionError(log + " has " + warnings.size() + " warning(s):\n" + String.join("\n", warnings));
        }
    }

    /**
     * Fails when the build logged a warning that names {@code word} (the plugin): for builds whose
     * log also holds warnings about other tools' own resolution (a core extension's dependencies).
     */
    public static void assertNoWarningsNaming(File basedir, String word) throws IOException {
        File log = new File(basedir, "build.log");
        List<String> warnings = warnings(Files.readAllLines(log.toPath(), StandardCharsets.UTF_8)).stream()
                .filter(line -> line.contains(word))
                .toList();
        if (!warnings.isEmpty()) {
            throw new AssertionError(log + " has " + warnings.size() + " warning(s) naming " + word + ":\n"
                    + String.join("\n", warnings));
        }
    }

    static List<String> warnings(List<String> lines) {
        return lines.stream()
                .filter(line -> line.startsWith("[WARNING]") || line.startsWith("WARNING:")
                        || line.contains("Plugin validation issues"))
                .toList();
    }
}
