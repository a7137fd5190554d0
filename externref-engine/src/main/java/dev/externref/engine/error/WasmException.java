package dev.externref.engine.error;

/**
 * Base of every error the engine reports: a message for people, and the byte offset in the
 * input module where it was found ({@code -1} when the error has no position). The engine
 * throws its subclasses: {@link MalformedModuleException} for bytes that are not a module,
 * {@link InvalidModuleException} for a module invalid where the processor relies on it,
 * {@link ProcessingException} for a module the processor cannot transform.
 */
public class WasmException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Byte offset in the input module, or {@code -1}. */
    private final long offset;

    /**
     * An error at a position in the input.
     *
     * @param message what is wrong, for people
     * @param offset  byte offset in the input module, or {@code -1} if unknown
     */
    public WasmException(String message, long offset) {
        super(message);
        this.offset = offset;
    }

    /**
     * An error at a position in the input, caused by another.
     *
     * @param message what is wrong, for people
     * @param offset  byte offset in the input module, or {@code -1} if unknown
     * @param cause   the underlying error
     */
    public WasmException(String message, long offset, Throwable cause) {
        super(message, cause);
        this.offset = offset;
    }

    /**
     * Where in the input the error was found.
     *
     * @return byte offset in the input module, or {@code -1} if unknown
     */
    public long offset() {
        return offset;
    }
}
