package dev.externref.engine.io;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes an output file the way {@code cp} and compilers do, with atomic replacement where a
 * file can be replaced:
 *
 * <ul>
 *   <li>A regular file, or a path that does not exist yet, is replaced atomically: a reader sees
 *       either the old or the new content, never a part, and a failed write leaves the old file.
 *       The bytes go to a temporary file in the same directory, are forced to disk, and the
 *       temporary file is moved over the target with {@code ATOMIC_MOVE}.</li>
 *   <li>A symbolic link stays a link: the file it points to (through any chain of links) is the
 *       target, replaced atomically if it is a regular file or missing.</li>
 *   <li>Anything else that exists (a device such as {@code /dev/null}, a FIFO, a terminal) and
 *       anything reached through {@code /proc} (such as {@code /dev/stdout}, a link to
 *       {@code /proc/self/fd/1}) is opened and written through, in place.</li>
 *   <li>Missing directories are not created; a directory is not a target.</li>
 * </ul>
 *
 * <p>Every failure is a {@link FileSystemException} whose file is the target as given (never
 * the temporary file) and whose reason is the operating system's ({@link IoErrors#reason}).
 *
 * <p>The temporary file is named {@code .<name>.<random>.tmp}: hidden, and not matched by
 * {@code **}{@code /*.wasm}, so a concurrent scan does not pick it up. It is created with the
 * default permissions (not {@code createTempFile}'s owner-only ones); a replaced file keeps its
 * permission bits. On a file system without atomic moves the move falls back to a plain
 * replacing move.
 */
public final class AtomicFiles {
    /** Like the kernel's limit on a path's symbolic links. */
    private static final int MAX_LINKS = 40;

    private AtomicFiles() {
    }

    /**
     * Writes {@code content} to {@code target}.
     *
     * @param target  the output file
     * @param content all of its bytes
     * @throws IOException when the file cannot be written: a {@link FileSystemException} whose
     *                     file is {@code target} and whose reason is the system's
     */
    public static void write(Path target, byte[] content) throws IOException {
        write(target, ByteBuffer.wrap(content));
    }

    /**
     * Writes the bytes from {@code content}'s position to its limit to {@code target}.
     *
     * @param target  the output file
     * @param content the bytes; its position and limit are left as they are
     * @throws IOException when the file cannot be written: a {@link FileSystemException} whose
     *                     file is {@code target} and whose reason is the system's
     */
    public static void write(Path target, ByteBuffer content) throws IOException {
        try {
            Path file = target.toAbsolutePath();
            boolean throughProc = isUnderProc(file);
            for (int links = 0; Files.isSymbolicLink(file); links++) {
                if (links == MAX_LINKS) {
                    throw new FileSystemException(target.toString(), null, "Too many levels of symbolic links");
                }
                file = file.resolveSibling(Files.readSymbolicLink(file)).normalize();
                throughProc |= isUnderProc(file);
            }
            BasicFileAttributes attrs = attributes(file);
            if (attrs != null && attrs.isDirectory()) {
                throw new FileSystemException(target.toString(), null, "Is a directory");
            }
            if (throughProc || attrs != null && !attrs.isRegularFile()) {
                writeThrough(target, content);
            } else {
                replace(file, content, attrs != null);
            }
        } catch (IOException e) {
            throw IoErrors.about(target.toString(), e);
        }
    }

    private static boolean isUnderProc(Path absolute) {
        return absolute.normalize().startsWith("/proc");
    }

    private static BasicFileAttributes attributes(Path file) throws IOException {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Opens the path as it is (following links) and writes into it: devices, FIFOs, /dev/stdout. */
    private static void writeThrough(Path target, ByteBuffer content) throws IOException {
        try (FileChannel channel = FileChannel.open(target, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            writeAll(channel, content);
        }
    }

    private static void replace(Path file, ByteBuffer content, boolean exists) throws IOException {
        Path temp = file.resolveSibling("." + file.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE) + ".tmp");
        try {
            if (!writeNewThroughStream(temp, content)) {
                try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    writeAll(channel, content);
                    channel.force(true);
                }
            }
            if (exists) {
                keepPermissions(file, temp);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Creates {@code temp} and writes {@code content} into it, forced to disk, through
     * {@code java.io}: the first NIO file channel of a JVM loads the JDK's networking library and
     * probes the network stacks (4-6 ms of a command-line run, see {@link FileBytes}). False, with
     * nothing left behind, when the file could not be created and opened this way (another file
     * system, or a failure that the NIO path then reports in its own, more precise, words).
     */
    private static boolean writeNewThroughStream(Path temp, ByteBuffer content) throws IOException {
        if (temp.getFileSystem() != FileSystems.getDefault()) {
            return false;
        }
        File file = temp.toFile();
        boolean created = false;
        FileOutputStream stream;
        try {
            created = file.createNewFile(); // O_CREAT | O_EXCL, as CREATE_NEW
            if (!created) {
                return false;
            }
            stream = new FileOutputStream(file);
        } catch (IOException e) {
            if (created) {
                Files.deleteIfExists(temp);
            }
            return false;
        }
        try (FileOutputStream out = stream) {
            ByteBuffer source = content.duplicate();
            byte[] slice = new byte[Math.min(source.remaining(), FileBytes.SLICE_BYTES)];
            while (source.hasRemaining()) {
                int n = Math.min(source.remaining(), slice.length);
                source.get(slice, 0, n);
                out.write(slice, 0, n);
            }
            out.getFD().sync();
        }
        return true;
    }

    private static void keepPermissions(Path from, Path to) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(from, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (view != null) {
            Set<PosixFilePermission> permissions = view.readAttributes().permissions();
            Files.setPosixFilePermissions(to, permissions);
        }
    }

    /** In slices, as {@link FileBytes} reads: no temporary direct buffer as large as the module. */
    private static void writeAll(WritableByteChannel channel, ByteBuffer content) throws IOException {
        ByteBuffer buffer = content.duplicate();
        int end = buffer.limit();
        while (buffer.position() < end) {
            buffer.limit(end - buffer.position() > FileBytes.SLICE_BYTES ? buffer.position() + FileBytes.SLICE_BYTES : end);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }
}
