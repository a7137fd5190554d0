package dev.externref.engine.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class AtomicFilesTest {
    @TempDir
    Path dir;

    private long filesIn(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.count();
        }
    }

    @Test
    void replacesTheFileAndLeavesNoTemporaryFile() throws IOException {
        Path f = dir.resolve("m.wasm");
        Files.write(f, new byte[] {1, 2, 3});
        AtomicFiles.write(f, new byte[] {4, 5});
        assertArrayEquals(new byte[] {4, 5}, Files.readAllBytes(f));
        assertEquals(1, filesIn(dir));
    }

    @Test
    void writesABufferFromItsPositionToItsLimitAndLeavesItAsItWas() throws IOException {
        Path f = dir.resolve("m.wasm");
        java.nio.ByteBuffer part = java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6}, 1, 3);
        AtomicFiles.write(f, part);
        assertArrayEquals(new byte[] {2, 3, 4}, Files.readAllBytes(f));
        assertEquals(1, part.position());
        assertEquals(4, part.limit());
    }

    @Test
    void createsMissingDirectories() throws IOException {
        Path f = dir.resolve("a/b/m.wasm");
        AtomicFiles.write(f, new byte[] {7});
        assertArrayEquals(new byte[] {7}, Files.readAllBytes(f));
    }

    @Test
    void aFailedWriteLeavesTheTargetAndNoTemporaryFile() throws IOException {
        Path target = dir.resolve("m.wasm");
        Files.createDirectory(target);                   // a directory: the move cannot replace it
        Files.write(target.resolve("keep"), new byte[] {1});
        assertThrows(IOException.class, () -> AtomicFiles.write(target, new byte[] {4}));
        assertTrue(Files.isDirectory(target));
        assertEquals(1, filesIn(dir));
    }

    @Test
    void theReplacedFileHasOrdinaryPermissions() throws IOException {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path f = dir.resolve("m.wasm");
        AtomicFiles.write(f, new byte[] {1});
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(f);
        assertTrue(perms.contains(PosixFilePermission.OWNER_READ) && perms.contains(PosixFilePermission.OWNER_WRITE));
        assertTrue(perms.contains(PosixFilePermission.OTHERS_READ) || perms.contains(PosixFilePermission.GROUP_READ),
                "not owner-only like a createTempFile file: " + PosixFilePermissions.toString(perms));
    }
}
