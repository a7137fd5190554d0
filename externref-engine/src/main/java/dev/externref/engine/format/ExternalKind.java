package dev.externref.engine.format;

/** What an import or export refers to. */
public enum ExternalKind {
    FUNCTION(IndexSpace.FUNCTION), TABLE(IndexSpace.TABLE), MEMORY(IndexSpace.MEMORY), GLOBAL(IndexSpace.GLOBAL), TAG(IndexSpace.TAG);

    private final IndexSpace space;

    ExternalKind(IndexSpace space) {
        this.space = space;
    }

    public IndexSpace space() {
        return space;
    }

    /** The import/export kind byte; 0x20 is an exact function import (custom descriptors). */
    static ExternalKind ofByte(int b) {
        return b < 5 ? values()[b] : b == 0x20 ? FUNCTION : null;
    }
}
