package dev.externref.engine.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces files so that a reader sees either the old or the new content, never a part: the
 * bytes go to a temporary file in the target's directory, are forced to disk, and the
 * temporary file is moved over the target with {@code ATOMIC_MOVE}.
 *
 * <p>The temporary file is named {@code .<name>.<random>.tmp}: hidden, and not matched by
 * {@code **}{@code /*.wasm}, so a concurrent scan does not pick it up. It is created with the
 * default permissions (not {@code createTempFile}'s owner-only ones), so a replaced module
 * keeps ordinary permissions. On a file system without atomic moves the move falls back to a
 * plain replacing move.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    public static void write(Path target, byte[] content) throws IOException {
        write(target, ByteBuffer.wrap(content));
    }

    /** Writes the bytes from {@code content}'s position to its limit (the buffer itself is left as it is). */
    public static void write(Path target, ByteBuffer content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = dir.resolve("." + target.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE) + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = content.duplicate();
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
