package dev.externref.engine.wasmopt;

/**
 * Which binaryen releases may optimize a processed module.
 *
 * <p>Releases before 110 write the export of any table other than table 0 with index 0: the
 * binary writer still had the single-table index hard-coded after binaryen gained multi-table
 * support (binaryen issue 4711, fixed by pull request 4736, first released in version 110). A
 * module round-tripped by such a {@code wasm-opt}, even with no pass at all, exports the wrong
 * table: when the Rust module has a funcref table of its own (any module with indirect calls),
 * the processed module's {@code externrefs} table is table 1, and after wasm-opt the export
 * {@code externrefs} names the funcref table. The module still validates; the host then reads
 * functions where it expects its references and the drop hook sees references that are "not in
 * the table". Modules with only the externref table are unaffected, which is why the bug hides
 * in small tests. This is a binaryen bug, not something in the glue a correct optimizer may
 * change: the module is valid and the export is explicit.
 *
 * <p>Checked on the committed Rust fixtures and the upstream end-to-end module, processed and
 * run in V8 after {@code wasm-opt -Os}: npm binaryen 108 and 109 (and Debian's 108) break every
 * module with a funcref table; 110, 111, 112 and 132 keep all of them passing, and 113 to 123
 * the smaller ones (the plugin README lists which).
 */
final class BinaryenVersions {
    /** The first binaryen release whose wasm-opt keeps processed modules working. */
    static final int FIRST_GOOD = 110;
    /** What to install instead: a release the build checks on every fixture. */
    static final String INSTALL = "npm install binaryen@132.0.0, whose bin/wasm-opt runs on Node";

    private BinaryenVersions() {
    }

    /** Why {@code version} is refused, or null when it is fine. */
    static String refusal(int version) {
        if (version >= FIRST_GOOD) {
            return null;
        }
        return "binaryen versions before " + FIRST_GOOD + " write the export of the externref table with the index of"
                + " table 0 (binaryen bug 4711, fixed in version " + FIRST_GOOD + "), so a processed module whose Rust"
                + " code has a function table exports the wrong table after wasm-opt; install binaryen " + FIRST_GOOD
                + " or later (for example: " + INSTALL + ") and name its wasm-opt with wasmOptExecutable"
                + " (CLI: --wasm-opt-executable)";
    }
}
