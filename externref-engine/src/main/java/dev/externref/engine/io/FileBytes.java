package dev.externref.engine.io;

import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads a whole file, as {@link Files#readAllBytes} does (the same exceptions, also for a file
 * whose size the system does not report, such as a FIFO), through slices of at most
 * {@value #SLICE_BYTES} bytes. The JDK passes a heap array to the system through a temporary
 * buffer as large as the request, which NIO allocates and zeroes: for a whole module at once,
 * memory a fresh JVM touches for the first time (1.5-2 ms of a command-line run on a 2.5 MB
 * module). {@link AtomicFiles} writes in slices of the same size.
 *
 * <p>A file of the default file system is read through {@code java.io}: the first NIO file
 * channel of a JVM loads the JDK's networking library and probes the network stacks (4-6 ms
 * of a command-line run). The file is opened through NIO only when {@code java.io} cannot open
 * it, so that the failure is the exception {@link Files#readAllBytes} throws.
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
        if (file.getFileSystem() == FileSystems.getDefault()) {
            FileInputStream stream;
            try {
                stream = new FileInputStream(file.toFile());
            } catch (FileNotFoundException e) {
                stream = null; // missing, not permitted, a directory: NIO below says so as the JDK would
            }
            if (stream != null) {
                try (FileInputStream in = stream) {
                    return readAll(new StreamSource(in), file.toFile().length());
                }
            }
        }
        try (FileChannel channel = FileChannel.open(file)) {
            return readAll(new ChannelSource(channel), channel.size());
        }
    }

    /** Reads {@code source} to its end, starting from the size the system reported (0 when it reports none). */
    private static byte[] readAll(Source source, long size) throws IOException {
        if (size > MAX_ARRAY) {
            throw new OutOfMemoryError("Required array size too large");
        }
        byte[] bytes = new byte[(int) size];
        int n = 0;
        while (true) {
            if (n == bytes.length) {
                // The size the system gave is read (or it gave none): end of file, or more.
                byte[] probe = new byte[8192];
                int got = source.read(probe, 0, probe.length);
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
            int got = source.read(bytes, n, Math.min(bytes.length - n, SLICE_BYTES));
            if (got < 0) {
                return Arrays.copyOf(bytes, n); // shorter than it was
            }
            n += got;
        }
    }

    /** Where {@link #readAll} reads from; classes rather than lambdas, which a fresh JVM pays for. */
    private interface Source {
        /** Up to {@code length} bytes into {@code into} at {@code offset}; -1 at the end. */
        int read(byte[] into, int offset, int length) throws IOException;
    }

    private static final class StreamSource implements Source {
        private final FileInputStream in;

        StreamSource(FileInputStream in) {
            this.in = in;
        }

        @Override
        public int read(byte[] into, int offset, int length) throws IOException {
            return in.read(into, offset, length);
        }
    }

    private static final class ChannelSource implements Source {
        private final FileChannel channel;

        ChannelSource(FileChannel channel) {
            this.channel = channel;
        }

        @Override
        public int read(byte[] into, int offset, int length) throws IOException {
            return channel.read(ByteBuffer.wrap(into, offset, length));
        }
    }
}
