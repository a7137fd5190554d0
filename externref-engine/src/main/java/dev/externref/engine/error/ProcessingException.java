package dev.externref.engine.error;

/**
 * The module is well formed but breaks the externref ABI, or cannot be transformed safely.
 * {@link #kind()} tells the case; the message names the function and the code offset.
 */
public class ProcessingException extends WasmException {
    /** What was wrong; {@code docs/ABI.md} in the repository lists the cases. */
    public enum Kind {
        /** An import from module {@code externref} that is not a function, or has the wrong type. */
        BAD_SURROGATE_IMPORT,
        /** The {@code __externrefs} section is truncated or holds invalid UTF-8. */
        MALFORMED_SECTION,
        /** Two records for the same function disagree. */
        CONFLICTING_RECORDS,
        /** An export record names no export. */
        MISSING_EXPORT,
        /** A record names an import or export that is not a function. */
        NOT_A_FUNCTION,
        /** The bit count differs from the function's parameters plus results. */
        ARITY_MISMATCH,
        /** A marked position does not have type i32. */
        TYPE_MISMATCH,
        /**
         * The reference analysis failed in a function whose guard call is not at the start of its
         * body (the mark of an optimizer run before the processor). A guard out of place alone is
         * no error: where the analysis proves the rewrite sound, the guard goes wherever it is.
         */
        MISPLACED_GUARD,
        /** A reference-returning call whose result is stored in a local outside guarded functions. */
        UNEXPECTED_REFERENCE_CALL,
        /** The configured table export name is already taken. */
        TABLE_NAME_TAKEN,
        /** The drop hook import conflicts with an existing import. */
        BAD_DROP_FUNCTION,
        /** A reference flows somewhere the transform cannot make an externref. */
        UNSUPPORTED_REFERENCE_FLOW
    }

    private static final long serialVersionUID = 1L;

    /** The case. */
    private final Kind kind;
    /** The function concerned, or null. */
    private final String function;

    /**
     * A module the processor cannot transform.
     *
     * @param kind     the case
     * @param function the function concerned (see {@link #function()}), or null
     * @param offset   byte offset in the input module, or {@code -1} if unknown
     * @param message  what is wrong and, where it helps, what to change
     */
    public ProcessingException(Kind kind, String function, long offset, String message) {
        super(message, offset);
        this.kind = kind;
        this.function = function;
    }

    /**
     * The case, for code that reacts to some of them.
     *
     * @return what was wrong
     */
    public Kind kind() {
        return kind;
    }

    /**
     * The function concerned.
     *
     * @return its export or import name, {@code name}-section name or {@code function[N]}, or
     *         null when the error concerns no function
     */
    public String function() {
        return function;
    }
}
