package dev.externref.engine.transform;

import dev.externref.engine.DropFunction;
import dev.externref.engine.ProcessingResult;

/** The externref transform of one module. */
public final class Transformer {
    private final String tableName;
    private final DropFunction dropFunction;

    public Transformer(String tableName, DropFunction dropFunction) {
        this.tableName = tableName;
        this.dropFunction = dropFunction;
    }

    public ProcessingResult process(byte[] module) {
        throw new IllegalStateException("the transform is being written in this commit series");
    }
}
