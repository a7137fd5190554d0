package dev.externref.engine.analysis;

/**
 * One change to a function body's code: the instruction at {@code [start, end)} becomes
 * {@code replacement} (empty: removed). Offsets are into the module.
 */
public record FlowEdit(int start, int end, byte[] replacement) {
}
