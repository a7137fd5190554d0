package dev.externref.engine.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Map;

/**
 * The operating system's reason for an I/O failure, in the words {@code cp} or a compiler would
 * print ("No such file or directory", "Permission denied", "Is a directory"), without Java
 * class names. NIO reports most errors as exception classes without the reason text, and the
 * rest as plain {@link IOException}s whose message is the system's error string.
 */
public final class IoErrors {
    /** The reason string of a write to a pipe whose reader has gone. */
    public static final String BROKEN_PIPE = "Broken pipe";

    /** The reasons NIO conveys by exception class alone (strerror's words). */
    private static final Map<Class<? extends FileSystemException>, String> REASONS = Map.of(
            NoSuchFileException.class, "No such file or directory",
            AccessDeniedException.class, "Permission denied",
            FileAlreadyExistsException.class, "File exists",
            NotDirectoryException.class, "Not a directory",
            DirectoryNotEmptyException.class, "Directory not empty",
            FileSystemLoopException.class, "Too many levels of symbolic links");

    private IoErrors() {
    }

    /**
     * Why an operation failed.
     *
     * @param e the failure
     * @return the system's reason, without the file name; {@code Input/output error} when NIO
     *         gives none
     */
    public static String reason(IOException e) {
        if (e instanceof FileSystemException f) {
            if (f.getReason() != null && !f.getReason().isBlank()) {
                return f.getReason();
            }
            for (Map.Entry<Class<? extends FileSystemException>, String> known : REASONS.entrySet()) {
                if (known.getKey().isInstance(e)) {
                    return known.getValue();
                }
            }
            return "Input/output error";
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? "Input/output error" : message;
    }

    /**
     * Whether the failure is a write to a closed pipe (the reader, e.g. {@code head}, has exited).
     *
     * @param e the failure
     * @return true when its reason is {@value #BROKEN_PIPE}
     */
    public static boolean isBrokenPipe(IOException e) {
        return BROKEN_PIPE.equals(reason(e));
    }

    /**
     * The failure, named after the file as the user gave it.
     *
     * @param file the file name to report
     * @param e    the failure
     * @return an exception whose file is {@code file}, whose reason is {@code e}'s and whose
     *         cause is {@code e}
     */
    public static FileSystemException about(String file, IOException e) {
        FileSystemException named = new FileSystemException(file, null, reason(e));
        named.initCause(e);
        return named;
    }
}
