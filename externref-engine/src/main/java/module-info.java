/**
 * The externref processor: rewrites a WebAssembly module built against the Rust
 * {@code externref} crate so that its imports and exports take and return real
 * {@code externref} values (the contract is {@code docs/ABI.md} in the repository).
 *
 * <p>The API is deliberately small:
 * <ul>
 *   <li>{@link dev.externref.engine} — {@link dev.externref.engine.ExternrefProcessor} and what
 *       it takes and returns: the options {@link dev.externref.engine.DropFunction} and
 *       {@link dev.externref.engine.SlotAllocator}, the outcome
 *       {@link dev.externref.engine.ProcessingResult} and its
 *       {@link dev.externref.engine.ProcessingReport};</li>
 *   <li>{@link dev.externref.engine.error} — the exceptions processing throws;</li>
 *   <li>{@link dev.externref.engine.wasmopt} — binaryen's {@code wasm-opt}, run on processed
 *       modules (a tool that embeds the processor, such as the Maven plugin, optimizes after it);</li>
 *   <li>{@link dev.externref.engine.io} — writing an output file the way {@code cp} does
 *       (atomic replacement, links followed, devices written through) and the operating
 *       system's words for an I/O failure.</li>
 * </ul>
 *
 * <p>The last two are exported as they are rather than folded into the processor: they do not
 * depend on the processor (nor on anything else here), the processor works on bytes and has no
 * business with files or external processes, and a tool that embeds it decides for itself
 * whether and where to write and optimize. The WebAssembly reader and writer
 * ({@code dev.externref.engine.format}), the reference-flow analysis
 * ({@code dev.externref.engine.analysis}), the transform ({@code dev.externref.engine.transform})
 * and the command line ({@code dev.externref.engine.cli}, the jar's main class) are internal:
 * not exported, free to change. On the class path, where the Maven plugin runs, every package is
 * reachable; the plugin's tests check that it uses the exported ones only.
 */
module dev.externref.engine {
    exports dev.externref.engine;
    exports dev.externref.engine.error;
    exports dev.externref.engine.wasmopt;
    exports dev.externref.engine.io;
}
