package dev.externref.engine.error;

/**
 * Base of every error the engine reports: a message for people, and the byte offset in the
 * input module where it was found ({@code -1} when the error has no position).
 */
public class WasmException extends RuntimeException {
    private final long offset;

    public WasmException(String message, long offset) {
        super(message);
        this.offset = offset;
    }

    public WasmException(String message, long offset, Throwable cause) {
        super(message, cause);
        this.offset = offset;
    }

    /** Byte offset in the input module, or {@code -1} if unknown. */
    public long offset() {
        return offset;
    }
}
