/**
 * Output files for tools that embed the processor: {@link dev.externref.engine.io.AtomicFiles}
 * writes a file the way {@code cp} does, and {@link dev.externref.engine.io.IoErrors} gives a
 * failure's reason in the operating system's words. Independent of the processor.
 */
package dev.externref.engine.io;
