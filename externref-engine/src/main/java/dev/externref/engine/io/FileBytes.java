package dev.externref.engine.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads a whole file, as {@link Files#readAllBytes} does (the same exceptions, also for a file
 * whose size the system does not report, such as a FIFO), through slices of at most
 * {@value #SLICE_BYTES} bytes. The JDK passes a heap array to the system through a temporary
 * direct buffer as large as the request, which it allocates and zeroes: for a whole module at
 * once, memory a fresh JVM touches for the first time (1.5-2 ms of a command-line run on a
 * 2.5 MB module). {@link AtomicFiles} writes in slices of the same size.
 */
public final class FileBytes {
    /** The largest read or write handed to the system at once. */
    static final int SLICE_BYTES = 256 << 10;
    /** The largest array the JVM allocates, as {@link Files#readAllBytes} assumes. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private FileBytes() {
    }

    /**
     * All bytes of {@code file}.
     *
     * @param file the file to read
     * @return its content
     * @throws IOException as {@link Files#readAllBytes} throws it
     * @throws OutOfMemoryError when the file is larger than an array can be
     */
    public static byte[] read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file)) {
            long size = channel.size();
            if (size > MAX_ARRAY) {
                throw new OutOfMemoryError("Required array size too large");
            }
            byte[] bytes = new byte[(int) size];
            int n = 0;
            while (true) {
                if (n == bytes.length) {
                    // The size the system gave is read (or it gave none): end of file, or more.
                    byte[] probe = new byte[8192];
                    int got = channel.read(ByteBuffer.wrap(probe));
                    if (got < 0) {
                        return bytes;
                    }
                    if (n > MAX_ARRAY - Math.max(n, probe.length)) {
                        throw new OutOfMemoryError("Required array size too large");
                    }
                    bytes = Arrays.copyOf(bytes, n + Math.max(n, probe.length));
                    System.arraycopy(probe, 0, bytes, n, got);
                    n += got;
                    continue;
                }
                int got = channel.read(ByteBuffer.wrap(bytes, n, Math.min(bytes.length - n, SLICE_BYTES)));
                if (got < 0) {
                    return Arrays.copyOf(bytes, n); // shorter than it was
                }
                n += got;
            }
        }
    }
}
