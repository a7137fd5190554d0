package dev.externref.engine.error;

/**
 * The input is a well-formed WebAssembly binary but does not validate where the processor
 * relies on it: an index that names nothing (a function, a type), a type index that names a
 * struct or array type where a function type belongs, or code whose block structure the
 * processor's analysis cannot follow. The processor is not a validator: it reports what it
 * reads; a module it accepts may still fail validation elsewhere, as its input did.
 */
public class InvalidModuleException extends WasmException {
    private static final long serialVersionUID = 1L;

    /**
     * An invalid module.
     *
     * @param message what is invalid, naming the function, export or section concerned
     * @param offset  byte offset in the input module, or {@code -1} if unknown
     */
    public InvalidModuleException(String message, long offset) {
        super(message + (offset >= 0 ? " (at byte offset " + offset + ")" : ""), offset);
    }
}
