package dev.externref.engine;

/** How the generated {@code insert} glue finds a slot for a new reference. */
public enum SlotAllocator {
    /**
     * Amortized O(1) per operation for any sequence (default): a count of free slots and a
     * clock cursor in two i32 globals; the table grows geometrically, and is scanned only
     * while more than a quarter of it is free.
     */
    AMORTIZED,
    /**
     * The reference processor's algorithm: the lowest free slot by a scan from index 0, growing
     * by one slot when none is free. O(N) per insert with N live references; kept for
     * comparison and for hosts that rely on lowest-index reuse.
     */
    LINEAR_SCAN
}
