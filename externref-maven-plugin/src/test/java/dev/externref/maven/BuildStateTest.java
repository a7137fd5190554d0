package dev.externref.maven;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BuildStateTest {
    @TempDir
    Path dir;

    private static final byte[] RAW = {1, 2, 3};
    private static final byte[] PROCESSED = {1, 2};

    @Test
    void savesAndLoadsEntriesWithAwkwardPaths() throws IOException {
        Path in = dir.resolve("dir with space/a b%.wasm");
        Path out = dir.resolve("out/a b%.wasm");
        BuildState.of(dir.resolve("out"), List.of(
                new BuildState.Entry(in, "11", out, "22", "fp"))).save(dir.resolve("s.state"));
        BuildState loaded = BuildState.load(dir.resolve("s.state"));
        assertEquals(dir.resolve("out"), loaded.outputDirectory().orElseThrow());
        assertEquals(new BuildState.Entry(in, "11", out, "22", "fp"), loaded.entry(in).orElseThrow());
        assertTrue(Files.readString(dir.resolve("s.state")).startsWith(BuildState.HEADER));
    }

    @Test
    void inPlaceModuleIsUpToDateWhenItStillHoldsTheOutput() throws IOException {
        Path m = dir.resolve("m.wasm");
        BuildState s = BuildState.of(null, List.of(
                new BuildState.Entry(m, Hashes.sha256(RAW), m, Hashes.sha256(PROCESSED), "fp")));
        assertTrue(s.isUpToDate(m, Hashes.sha256(PROCESSED), m, "fp"));
        assertFalse(s.isUpToDate(m, Hashes.sha256(RAW), m, "fp"), "a fresh copy of the raw module is processed again");
        assertFalse(s.isUpToDate(m, Hashes.sha256(PROCESSED), m, "other settings"));
    }

    @Test
    void mirroredModuleNeedsTheSameInputAndAnIntactOutput() throws IOException {
        Path in = dir.resolve("m.wasm");
        Path out = dir.resolve("out/m.wasm");
        Files.createDirectories(out.getParent());
        Files.write(out, PROCESSED);
        BuildState s = BuildState.of(dir.resolve("out"), List.of(
                new BuildState.Entry(in, Hashes.sha256(RAW), out, Hashes.sha256(PROCESSED), "fp")));
        assertTrue(s.isUpToDate(in, Hashes.sha256(RAW), out, "fp"));
        assertFalse(s.isUpToDate(in, Hashes.sha256(new byte[] {9}), out, "fp"), "changed input");
        assertFalse(s.isUpToDate(in, Hashes.sha256(RAW), dir.resolve("elsewhere/m.wasm"), "fp"), "other output path");
        Files.write(out, RAW);
        assertFalse(s.isUpToDate(in, Hashes.sha256(RAW), out, "fp"), "output overwritten by someone else");
        Files.delete(out);
        assertFalse(s.isUpToDate(in, Hashes.sha256(RAW), out, "fp"), "output deleted");
    }

    @Test
    void missingOrForeignStateIsEmpty() throws IOException {
        assertTrue(BuildState.load(dir.resolve("absent.state")).entries().isEmpty());
        Files.writeString(dir.resolve("old.state"), "# something\nversion 0\nmodule a b c d e\n");
        assertTrue(BuildState.load(dir.resolve("old.state")).entries().isEmpty());
        Files.writeString(dir.resolve("bad.state"), BuildState.HEADER + "\nversion 1\nmodule %zz b c d e\n");
        assertTrue(BuildState.load(dir.resolve("bad.state")).entries().isEmpty());
    }
}
