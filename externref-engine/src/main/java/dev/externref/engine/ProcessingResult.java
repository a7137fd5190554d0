package dev.externref.engine;

/**
 * The outcome of processing one module.
 *
 * @param output  the processed module; the input itself when {@code changed} is false
 * @param changed false when the module had no {@code __externrefs} section (nothing to do)
 * @param report  what the processor did, for logs and {@code -v}
 */
public record ProcessingResult(byte[] output, boolean changed, ProcessingReport report) {
}
