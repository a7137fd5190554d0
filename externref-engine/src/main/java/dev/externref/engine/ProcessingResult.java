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
    public ProcessingResult(byte[] output, boolean changed, ProcessingReport report) {
        this(output, output.length, changed, report);
    }

    /** A result whose module is the first {@code size} bytes of {@code buffer}. */
    public ProcessingResult(byte[] buffer, int size, boolean changed, ProcessingReport report) {
        if (size < 0 || size > buffer.length) {
            throw new IllegalArgumentException("size " + size + " outside a buffer of " + buffer.length + " bytes");
        }
        this.buffer = buffer;
        this.size = size;
        this.changed = changed;
        this.report = report;
        this.trimmed = size == buffer.length ? buffer : null;
    }

    /** The processed module (the input array itself when nothing changed). Do not modify it. */
    public byte[] output() {
        byte[] t = trimmed;
        if (t == null) {
            trimmed = t = Arrays.copyOf(buffer, size);
        }
        return t;
    }

    /** The processed module's length in bytes. */
    public int size() {
        return size;
    }

    /** A read-only view of the processed module, without a copy. */
    public ByteBuffer outputBuffer() {
        return ByteBuffer.wrap(buffer, 0, size).slice().asReadOnlyBuffer();
    }

    /** Writes the processed module to {@code out}, without a copy. */
    public void writeTo(OutputStream out) throws IOException {
        out.write(buffer, 0, size);
    }

    /** False when the module had no {@code __externrefs} section (nothing to do). */
    public boolean changed() {
        return changed;
    }

    /** What the processor did, for logs and {@code -v}. */
    public ProcessingReport report() {
        return report;
    }

    @Override
    public String toString() {
        return "ProcessingResult[" + size + " bytes, changed=" + changed + ", " + report.summary() + "]";
    }
}
