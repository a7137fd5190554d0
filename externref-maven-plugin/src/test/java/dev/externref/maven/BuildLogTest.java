package dev.externref.maven;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BuildLogTest {
    @Test
    void aCleanLogPasses(@TempDir Path dir) throws Exception {
        Path log = Files.writeString(dir.resolve("build.log"), "[INFO] Scanning for projects...\n[INFO] BUILD SUCCESS\n");
        assertEquals(List.of(), BuildLog.warnings(Files.readAllLines(log)));
        BuildLog.assertNoWarnings(dir.toFile());
        // The same log with one warning more fails: the pass above read this file.
        Files.writeString(log, "[WARNING] late\n", java.nio.file.StandardOpenOption.APPEND);
        AssertionError e = assertThrows(AssertionError.class, () -> BuildLog.assertNoWarnings(dir.toFile()));
        assertTrue(e.getMessage().contains("1 warning(s):\n[WARNING] late"), e.getMessage());
    }

    @Test
    void aMavenWarningFailsAndIsQuoted(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("build.log"), "[INFO] x\n[WARNING] Parameter 'foo' is deprecated\n");
        AssertionError e = assertThrows(AssertionError.class, () -> BuildLog.assertNoWarnings(dir.toFile()));
        assertTrue(e.getMessage().contains("[WARNING] Parameter 'foo' is deprecated"), e.getMessage());
    }

    @Test
    void jvmWarningsAndValidationSummariesCount() {
        List<String> lines = List.of("WARNING: A terminally deprecated method in sun.misc.Unsafe has been called",
                "[INFO] 1 Plugin validation issues were detected", "[INFO] fine", "  [WARNING] indented is not Maven's");
        assertEquals(2, BuildLog.warnings(lines).size());
    }

    @Test
    void onlyWarningsNamingTheWordCountWhenAsked(@TempDir Path dir) throws Exception {
        Path log = Files.writeString(dir.resolve("build.log"), "[WARNING] The POM for a:b:jar:1 is missing\n");
        assertEquals(List.of("[WARNING] The POM for a:b:jar:1 is missing"), BuildLog.warnings(Files.readAllLines(log)),
                "a warning, but not one naming the word");
        BuildLog.assertNoWarningsNaming(dir.toFile(), "externref");
        assertThrows(AssertionError.class, () -> BuildLog.assertNoWarnings(dir.toFile()));
        Files.writeString(dir.resolve("build.log"), "[WARNING] Parameter 'x' of dev.externref:externref-maven-plugin is deprecated\n");
        assertThrows(AssertionError.class, () -> BuildLog.assertNoWarningsNaming(dir.toFile(), "externref"));
    }

    @Test
    void aMissingLogIsAnError(@TempDir Path dir) {
        File nowhere = dir.resolve("missing").toFile();
        assertThrows(java.io.IOException.class, () -> BuildLog.assertNoWarnings(nowhere));
    }
}
