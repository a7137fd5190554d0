package dev.externref.engine.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@link FileBytes#read} gives what {@link Files#readAllBytes} gives, slice boundaries or not. */
class FileBytesTest {
    @TempDir
    Path dir;

    @Test
    void readsFilesOfEverySizeAroundTheSlicesAsTheJdkDoes() throws IOException {
        int slice = FileBytes.SLICE_BYTES;
        Random random = new Random(11);
        for (int size : new int[] {0, 1, 8191, 8192, 8193, slice - 1, slice, slice + 1, 3 * slice + 17}) {
            byte[] content = new byte[size];
            random.nextBytes(content);
            Path f = dir.resolve("m" + size + ".wasm");
            Files.write(f, content);
            assertArrayEquals(Files.readAllBytes(f), FileBytes.read(f), "size " + size);
        }
    }

    @Test
    @Timeout(60)
    void readsAFifoWhoseSizeTheSystemDoesNotKnowToItsEnd() throws Exception {
        Path fifo = dir.resolve("in.wasm");
        Process mkfifo;
        try {
            mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        } catch (IOException e) {
            assumeTrue(false, "no mkfifo here: " + e.getMessage());
            return;
        }
        assumeTrue(mkfifo.waitFor() == 0, "mkfifo failed");
        byte[] content = new byte[2 * FileBytes.SLICE_BYTES + 12345];
        new Random(3).nextBytes(content);
        Thread writer = new Thread(() -> {
            try (OutputStream out = Files.newOutputStream(fifo)) {
                for (int i = 0; i < content.length; i += 1000) {
                    out.write(content, i, Math.min(1000, content.length - i)); // in pieces, as a pipe delivers
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        byte[] read = FileBytes.read(fifo);
        writer.join();
        assertArrayEquals(content, read);
    }

    /** Another file system than the default one is read through NIO (the default one through java.io). */
    @Test
    void readsAFileOfAZipFileSystem() throws IOException {
        byte[] content = new byte[FileBytes.SLICE_BYTES + 99];
        new Random(13).nextBytes(content);
        Path zip = dir.resolve("in.zip");
        try (java.nio.file.FileSystem fs = java.nio.file.FileSystems.newFileSystem(zip, java.util.Map.of("create", "true"))) {
            Path f = fs.getPath("/m.wasm");
            Files.write(f, content);
            assertArrayEquals(content, FileBytes.read(f));
        }
    }

    @Test
    void aMissingFileIsTheJdksNoSuchFileException() {
        Path f = dir.resolve("missing.wasm");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> FileBytes.read(f));
        assertEquals(f.toString(), e.getFile());
    }

    @Test
    void aDirectoryIsAnErrorNamingIt() {
        IOException e = assertThrows(IOException.class, () -> FileBytes.read(dir));
        assertEquals(IoErrors.reason(assertThrows(IOException.class, () -> Files.readAllBytes(dir))), IoErrors.reason(e));
        if (e instanceof FileSystemException fse) {
            assertEquals(dir.toString(), fse.getFile());
        }
    }
}
