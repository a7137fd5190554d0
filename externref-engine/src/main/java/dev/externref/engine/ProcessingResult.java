package dev.externref.engine;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The outcome of processing one module.
 *
 * <p>The processed module is encoded into a buffer presized with headroom for indices that
 * grow, so its array is usually a little longer than the module. {@link #writeTo} and
 * {@link #outputBuffer} hand out the module without copying it (the CLI and the Maven plugin
 * write files that way); {@link #output} trims it into an array of its own on first call.
 *
 * <p>Only {@link ExternrefProcessor#process} makes results. A result is safe to share between
 * threads.
 */
public final class ProcessingResult {
    private final byte[] buffer;
    private final int size;
    private final boolean changed;
    private final ProcessingReport report;
    private volatile byte[] trimmed;

    /**
     * @param output  the processed module; the input itself when {@code changed} is false
     * @param changed false when the module had no {@code __externrefs} section (nothing to do)
     * @param report  what the processor did, for logs and {@code -v}
     */
    ProcessingResult(byte[] output, boolean changed, ProcessingReport report) {
        this(output, output.length, changed, report);
    }

    /** A result whose module is the first {@code size} bytes of {@code buffer}. */
    ProcessingResult(byte[] buffer, int size, boolean changed, ProcessingReport report) {
        if (size < 0 || size > buffer.length) {
            throw new IllegalArgumentException("size " + size + " outside a buffer of " + buffer.length + " bytes");
        }
        this.buffer = buffer;
        this.size = size;
        this.changed = changed;
        this.report = report;
        this.trimmed = size == buffer.length ? buffer : null;
    }

    /**
     * The processed module as an array, trimmed on the first call and the same array after.
     *
     * @return the module (the input array itself when nothing changed); do not modify it
     */
    public byte[] output() {
        byte[] t = trimmed;
        if (t == null) {
            trimmed = t = Arrays.copyOf(buffer, size);
        }
        return t;
    }

    /**
     * The processed module's length.
     *
     * @return its length in bytes
     */
    public int size() {
        return size;
    }

    /**
     * The processed module, without a copy.
     *
     * @return a new read-only view, from the module's first byte (position 0) to its last (limit)
     */
    public ByteBuffer outputBuffer() {
        return ByteBuffer.wrap(buffer, 0, size).slice().asReadOnlyBuffer();
    }

    /**
     * Writes the processed module to {@code out}, without a copy. The stream is not flushed or
     * closed.
     *
     * @param out where the module goes
     * @throws IOException when {@code out} fails
     */
    public void writeTo(OutputStream out) throws IOException {
        out.write(buffer, 0, size);
    }

    /**
     * Whether the processor changed the module.
     *
     * @return false when the module had no {@code __externrefs} section (nothing to do), and the
     *         output is the input
     */
    public boolean changed() {
        return changed;
    }

    /**
     * What the processor did.
     *
     * @return the report, for logs and the command line's {@code -v}
     */
    public ProcessingReport report() {
        return report;
    }

    @Override
    public String toString() {
        return "ProcessingResult[" + size + " bytes, changed=" + changed + ", " + report.summary() + "]";
    }
}
