package dev.externref.engine.format;

/** An export: a name and an index in the space of its kind. */
public record Export(String name, ExternalKind kind, int index, int offset) {
}
