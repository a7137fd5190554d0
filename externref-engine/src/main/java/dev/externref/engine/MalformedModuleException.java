package dev.externref.engine;

/**
 * The input is not a well-formed WebAssembly binary. The only exception the reader throws on
 * bad bytes; the message says what was being read, and {@link #offset()} where.
 */
public class MalformedModuleException extends WasmException {
    public MalformedModuleException(String message, long offset) {
        super(message + " (at byte offset " + offset + ")", offset);
    }
}
