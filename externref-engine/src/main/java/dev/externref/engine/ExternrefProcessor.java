package dev.externref.engine;

import dev.externref.engine.error.ProcessingException;

import dev.externref.engine.error.MalformedModuleException;

import dev.externref.engine.format.CodeWritePolicy;

import dev.externref.engine.transform.TransformOptions;
import dev.externref.engine.transform.TransformOutcome;
import dev.externref.engine.transform.Transformer;

import java.util.Objects;

/**
 * The externref processor: rewrites a module compiled against the {@code externref} crate's
 * surrogate ABI so that its imports and exports take and return real {@code externref}s.
 *
 * <pre>{@code
 * ProcessingResult r = ExternrefProcessor.builder()
 *         .dropFunction(DropFunction.parse("hooks::drop"))
 *         .build()
 *         .process(bytes);
 * }</pre>
 *
 * Instances are immutable and safe to share between threads.
 */
public final class ExternrefProcessor {
    /** Export name of the reference table unless configured otherwise. */
    public static final String DEFAULT_TABLE_NAME = "externrefs";

    private final String tableName;
    private final DropFunction dropFunction;
    private final SlotAllocator slotAllocator;
    /** Threads for the code, and this processor's own warm-up budget (no JVM-wide state). */
    private final CodeWritePolicy codeWrites;

    private ExternrefProcessor(Builder builder) {
        this.tableName = builder.tableName;
        this.dropFunction = builder.dropFunction;
        this.slotAllocator = builder.slotAllocator;
        this.codeWrites = CodeWritePolicy.of(builder.parallelism, new CodeWritePolicy.WarmUp());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Export name of the reference table, or null when the table is not exported. */
    public String tableName() {
        return tableName;
    }

    /** The drop hook, or null. */
    public DropFunction dropFunction() {
        return dropFunction;
    }

    public SlotAllocator slotAllocator() {
        return slotAllocator;
    }

    /**
     * Processes one module. A module without an {@code __externrefs} section is returned as it
     * is, with {@link ProcessingResult#changed()} false.
     *
     * @throws MalformedModuleException when the bytes are not a well-formed module
     * @throws ProcessingException      when the module breaks the externref ABI
     */
    public ProcessingResult process(byte[] module) {
        Objects.requireNonNull(module, "module");
        TransformOptions options = new TransformOptions(tableName,
                dropFunction == null ? null : dropFunction.module(), dropFunction == null ? null : dropFunction.name(),
                slotAllocator == SlotAllocator.AMORTIZED, codeWrites, version());
        TransformOutcome out = new Transformer(options).process(module);
        if (!out.changed()) {
            return new ProcessingResult(module, false, ProcessingReport.nothingToDo());
        }
        ProcessingReport report = new ProcessingReport(out.imports(), out.exports(), out.redirectedCalls(),
                out.removedGuards(), out.retypedFunctions(), tableName, dropFunction, out.warnings());
        return new ProcessingResult(out.buffer(), out.size(), true, report);
    }

    /** This engine's version (from the jar's manifest), or {@code dev} when run from classes. */
    public static String version() {
        String v = ExternrefProcessor.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    public static final class Builder {
        private String tableName = DEFAULT_TABLE_NAME;
        private DropFunction dropFunction;
        private SlotAllocator slotAllocator = SlotAllocator.AMORTIZED;
        private int parallelism;

        private Builder() {
        }

        /** Export the reference table under this name; null or empty: do not export it. */
        public Builder tableName(String name) {
            this.tableName = name == null || name.isEmpty() ? null : WellFormedNames.require(name, "the table name");
            return this;
        }

        /** Call this host function with each reference just before its slot is released; null: none. */
        public Builder dropFunction(DropFunction hook) {
            this.dropFunction = hook;
            return this;
        }

        /** The slot algorithm of the generated glue; {@link SlotAllocator#AMORTIZED} unless set. */
        public Builder slotAllocator(SlotAllocator allocator) {
            this.slotAllocator = Objects.requireNonNull(allocator, "allocator");
            return this;
        }

        /**
         * Threads for one module's code: 1 single-threaded, 0 (default) the available processors
         * for modules with more than 4 MB of code. The output is the same byte for byte.
         */
        public Builder parallelism(int threads) {
            if (threads < 0) {
                throw new IllegalArgumentException("threads must be 0 (automatic) or more: " + threads);
            }
            this.parallelism = threads;
            return this;
        }

        public ExternrefProcessor build() {
            return new ExternrefProcessor(this);
        }
    }
}
