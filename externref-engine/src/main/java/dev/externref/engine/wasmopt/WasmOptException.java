package dev.externref.engine.wasmopt;

/** wasm-opt cannot be used, or failed on a module; the message says which and why. */
public final class WasmOptException extends Exception {
    private static final long serialVersionUID = 1L;

    WasmOptException(String message) {
        super(message);
    }
}
