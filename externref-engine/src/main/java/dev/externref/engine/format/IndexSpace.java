package dev.externref.engine.format;

/** The module-level index spaces that a rewrite may renumber. */
public enum IndexSpace {
    FUNCTION, TYPE, TABLE, MEMORY, GLOBAL, TAG, ELEMENT, DATA;

    static final IndexSpace[] ALL = values();
}
