package dev.externref.maven;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BuildLogTest {
    @Test
    void aCleanLogPasses(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("build.log"), "[INFO] Scanning for projects...\n[INFO] BUILD SUCCESS\n");
        assertDoesNotThrow(() -> BuildLog.assertNoWarnings(dir.toFile()));
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
        Files.writeString(dir.resolve("build.log"), "[WARNING] The POM for a:b:jar:1 is missing\n");
        assertDoesNotThrow(() -> BuildLog.assertNoWarningsNaming(dir.toFile(), "externref"));
        Files.writeString(dir.resolve("build.log"), "[WARNING] Parameter 'x' of dev.externref:externref-maven-plugin is deprecated\n");
        assertThrows(AssertionError.class, () -> BuildLog.assertNoWarningsNaming(dir.toFile(), "externref"));
    }

    @Test
    void aMissingLogIsAnError(@TempDir Path dir) {
        File nowhere = dir.resolve("missing").toFile();
        assertThrows(java.io.IOException.class, () -> BuildLog.assertNoWarnings(nowhere));
    }
}
