package dev.externref.engine.error;

/**
 * The input is not a well-formed WebAssembly binary. The only exception the reader throws on
 * bad bytes; the message says what was being read, in which function when the bytes are code,
 * and {@link #offset()} where.
 */
public class MalformedModuleException extends WasmException {
    private static final long serialVersionUID = 1L;

    /** What was wrong, without the location. */
    private final String detail;
    /** The function whose code is malformed, or {@code -1}. */
    private final int functionIndex;
    /** That function's name, or null. */
    private final String functionName;

    /**
     * Malformed bytes outside a function's code, or not yet located in one.
     *
     * @param message what was wrong, such as what was being read
     * @param offset  byte offset in the input module
     */
    public MalformedModuleException(String message, long offset) {
        this(message, offset, -1, null);
    }

    private MalformedModuleException(String detail, long offset, int functionIndex, String functionName) {
        super(detail + where(functionIndex, functionName) + " (at byte offset " + offset + ")", offset);
        this.detail = detail;
        this.functionIndex = functionIndex;
        this.functionName = functionName;
    }

    private static String where(int functionIndex, String functionName) {
        if (functionIndex < 0) {
            return "";
        }
        return functionName == null
                ? " in function " + functionIndex
                : " in function '" + functionName + "' (function " + functionIndex + ")";
    }

    /**
     * The same error, located in a function's code.
     *
     * @param index the function's index (imports first, as in the function index space)
     * @param name  its name in the {@code name} section, or null
     * @return a new exception with the same detail, offset and stack trace
     */
    public MalformedModuleException inFunction(int index, String name) {
        MalformedModuleException located = new MalformedModuleException(detail, offset(), index, name);
        located.setStackTrace(getStackTrace());
        return located;
    }

    /**
     * What was wrong, without the location.
     *
     * @return the message without the function and the offset
     */
    public String detail() {
        return detail;
    }

    /**
     * The function whose code is malformed.
     *
     * @return its index (imports first), or {@code -1} outside code
     */
    public int functionIndex() {
        return functionIndex;
    }

    /**
     * The name of the function whose code is malformed.
     *
     * @return its {@code name}-section name, or null (none, or not in a function)
     */
    public String functionName() {
        return functionName;
    }
}
