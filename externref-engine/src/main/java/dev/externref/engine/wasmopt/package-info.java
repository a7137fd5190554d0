/**
 * binaryen's {@code wasm-opt}, run on processed modules ({@link dev.externref.engine.wasmopt.WasmOpt}):
 * an optimizer belongs after the processor, never before it. Independent of the processor.
 */
package dev.externref.engine.wasmopt;
