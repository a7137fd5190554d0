/**
 * The externref processor: {@link dev.externref.engine.ExternrefProcessor} rewrites a module's
 * surrogate {@code i32} references into real {@code externref}s and returns a
 * {@link dev.externref.engine.ProcessingResult} with a {@link dev.externref.engine.ProcessingReport}
 * of what it changed.
 */
package dev.externref.engine;
