package dev.externref.engine.format;

/** What an import or export refers to. */
public enum ExternalKind {
    FUNCTION(IndexSpace.FUNCTION), TABLE(IndexSpace.TABLE), MEMORY(IndexSpace.MEMORY), GLOBAL(IndexSpace.GLOBAL), TAG(IndexSpace.TAG);

    /** By kind byte: {@code values()} would copy the array for every import and export read. */
    private static final ExternalKind[] BY_BYTE = values();

    private final IndexSpace space;

    ExternalKind(IndexSpace space) {
        this.space = space;
    }

    public IndexSpace space() {
        return space;
    }

    /**
     * An import's kind byte, or null when malformed: 0x00 to 0x04, or 0x20, a function imported
     * with its exact type (custom descriptors).
     */
    static ExternalKind ofImportByte(int b) {
        return b == EXACT_FUNCTION_IMPORT ? FUNCTION : ofExportByte(b);
    }

    /** An export's kind byte, or null when malformed: 0x00 to 0x04 (exact function imports have no export counterpart). */
    static ExternalKind ofExportByte(int b) {
        return b >= 0 && b < BY_BYTE.length ? BY_BYTE[b] : null;
    }

    static final int EXACT_FUNCTION_IMPORT = 0x20;
}
