package dev.externref.engine.transform;

import dev.externref.engine.format.CodeWritePolicy;

/**
 * The settings of one transform, in the transform's own terms (the public
 * {@code ExternrefProcessor} translates its builder into these).
 *
 * @param tableName      export name of the reference table, or null for no export
 * @param dropModule     module of the drop hook import, or null for no hook
 * @param dropName       name of the drop hook import, or null for no hook
 * @param amortizedSlots true: the amortized slot allocator; false: the reference processor's linear scan
 * @param codeWrites     how the code section is written (threads, and the caller's warm-up budget)
 * @param version        this engine's version, written to the {@code producers} section
 */
public record TransformOptions(String tableName, String dropModule, String dropName, boolean amortizedSlots,
                               CodeWritePolicy codeWrites, String version) {
    /** Whether a drop hook is imported. */
    boolean hasDropHook() {
        return dropModule != null;
    }

    /** The drop hook as users write it, {@code module::name}. */
    String dropHook() {
        return dropModule + "::" + dropName;
    }
}
