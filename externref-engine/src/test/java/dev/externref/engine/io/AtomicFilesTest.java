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
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    @org.junit.jupiter.api.Timeout(60) // a slice loop that never reaches the end hangs
    void writesContentOfSeveralSlicesWhole() throws IOException {
        byte[] all = new byte[3 * FileBytes.SLICE_BYTES + 17];
        new java.util.Random(7).nextBytes(all);
        java.nio.ByteBuffer part = java.nio.ByteBuffer.wrap(all, 5, all.length - 9); // a slice boundary off the array's
        Path f = dir.resolve("m.wasm");
        AtomicFiles.write(f, part);
        assertArrayEquals(java.util.Arrays.copyOfRange(all, 5, all.length - 4), Files.readAllBytes(f));
        assertEquals(5, part.position());
        assertEquals(all.length - 4, part.limit());
    }

    @Test
    void writesAReadOnlyBufferAsTheCommandLineHandsItOver() throws IOException {
        byte[] all = new byte[FileBytes.SLICE_BYTES + 3];
        new java.util.Random(5).nextBytes(all);
        Path f = dir.resolve("m.wasm");
        AtomicFiles.write(f, java.nio.ByteBuffer.wrap(all).asReadOnlyBuffer());
        assertArrayEquals(all, Files.readAllBytes(f));
    }

    /** Another file system than the default one is written through NIO (the default one through java.io). */
    @Test
    void writesIntoAZipFileSystem() throws IOException {
        Path zip = dir.resolve("out.zip");
        try (java.nio.file.FileSystem fs = java.nio.file.FileSystems.newFileSystem(zip, java.util.Map.of("create", "true"))) {
            Path f = fs.getPath("/m.wasm");
            AtomicFiles.write(f, new byte[] {1, 2});
            AtomicFiles.write(f, new byte[] {3, 4, 5});
            assertArrayEquals(new byte[] {3, 4, 5}, Files.readAllBytes(f));
            try (Stream<Path> s = Files.list(fs.getPath("/"))) {
                assertEquals(1, s.count());
            }
        }
    }

    @Test
    void doesNotCreateMissingDirectoriesAndNamesTheTarget() {
        Path f = dir.resolve("a/b/m.wasm");
        java.nio.file.FileSystemException e = assertThrows(java.nio.file.FileSystemException.class,
                () -> AtomicFiles.write(f, new byte[] {7}));
        assertEquals(f.toString(), e.getFile());
        assertEquals("No such file or directory", e.getReason());
        assertFalse(Files.exists(dir.resolve("a")));
    }

    @Test
    void aDanglingSymlinksTargetIsCreatedAndTheLinkKept() throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("link.wasm"), Path.of("target.wasm"));
        AtomicFiles.write(link, new byte[] {9});
        assertTrue(Files.isSymbolicLink(link));
        assertArrayEquals(new byte[] {9}, Files.readAllBytes(dir.resolve("target.wasm")));
    }

    @Test
    void aReplacedFileKeepsItsPermissions() throws IOException {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path f = dir.resolve("m.wasm");
        Files.write(f, new byte[] {1});
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-x---"));
        AtomicFiles.write(f, new byte[] {2});
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    }

    @Test
    void aDeviceIsWrittenThroughNotReplaced() throws IOException {
        Path devNull = Path.of("/dev/null");
        assumeTrue(Files.exists(devNull));
        AtomicFiles.write(devNull, new byte[] {1, 2, 3});
        assertFalse(Files.isRegularFile(devNull));
    }

    @Test
    void aFailedWriteLeavesTheTargetAndNoTemporaryFile() throws IOException {
        Path target = dir.resolve("m.wasm");
        Files.createDirectory(target);                   // a directory: the move cannot replace it
        Files.write(target.resolve("keep"), new byte[] {1});
        java.nio.file.FileSystemException e = assertThrows(java.nio.file.FileSystemException.class,
                () -> AtomicFiles.write(target, new byte[] {4}));
        assertEquals(target.toString(), e.getFile());
        assertEquals("Is a directory", e.getReason());
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
