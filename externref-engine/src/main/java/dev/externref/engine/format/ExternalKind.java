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

    /** The import/export kind byte; 0x20 is an exact function import (custom descriptors). */
    static ExternalKind ofByte(int b) {
        return b >= 0 && b < BY_BYTE.length ? BY_BYTE[b] : b == 0x20 ? FUNCTION : null;
    }
}
