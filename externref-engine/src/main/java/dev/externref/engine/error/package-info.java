/**
 * The exceptions the processor throws, all {@link dev.externref.engine.error.WasmException}s:
 * bytes that are not a module ({@link dev.externref.engine.error.MalformedModuleException}) and
 * modules that cannot be processed ({@link dev.externref.engine.error.ProcessingException}, with
 * its {@link dev.externref.engine.error.ProcessingException.Kind}). The package depends on nothing
 * else in the engine.
 */
package dev.externref.engine.error;
