package dev.externref.engine.format;

/**
 * An import.
 *
 * @param typeIndex for functions and tags: the type index; otherwise -1
 * @param table     for tables: the table type; otherwise null
 * @param offset    byte offset of the import's entry in the module
 */
public record Import(String module, String name, ExternalKind kind, int typeIndex, TableType table, int offset) {
}
