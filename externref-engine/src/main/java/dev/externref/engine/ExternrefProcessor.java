package dev.externref.engine;

import dev.externref.engine.error.InvalidModuleException;
import dev.externref.engine.error.MalformedModuleException;
import dev.externref.engine.error.ProcessingException;
import dev.externref.engine.format.CodeWritePolicy;
import dev.externref.engine.transform.TransformOptions;
import dev.externref.engine.transform.TransformOutcome;
import dev.externref.engine.transform.Transformer;

import java.lang.module.ModuleDescriptor;
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
 * <p>Instances are immutable and safe to share between threads. What the processor reads and
 * writes is described in {@code docs/ABI.md} in the repository.
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

    /**
     * Starts a configuration: the table exported as {@value #DEFAULT_TABLE_NAME}, no drop hook,
     * {@link SlotAllocator#AMORTIZED} slots, automatic parallelism.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The name the reference table is exported under.
     *
     * @return the export name, or null when the table is not exported
     */
    public String tableName() {
        return tableName;
    }

    /**
     * The host function called with each reference before its slot is released.
     *
     * @return the drop hook, or null when there is none
     */
    public DropFunction dropFunction() {
        return dropFunction;
    }

    /**
     * How the generated glue finds a slot for a new reference.
     *
     * @return the slot algorithm
     */
    public SlotAllocator slotAllocator() {
        return slotAllocator;
    }

    /**
     * Processes one module. A module without an {@code __externrefs} section is returned as it
     * is, with {@link ProcessingResult#changed()} false.
     *
     * @param module the module's bytes; not modified, and returned as the output when there is
     *               nothing to do
     * @return the processed module and a report of what changed
     * @throws MalformedModuleException when the bytes are not a well-formed module
     * @throws InvalidModuleException   when the module is well formed but invalid where the
     *                                  processor relies on it (an index naming nothing)
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

    /**
     * This engine's version, which the processor also records in the output's {@code producers}
     * section and the command line prints for {@code --version}.
     *
     * @return the version from the jar's manifest (on the class path) or module descriptor (on
     *         the module path), or {@code dev} when run from unpackaged classes
     */
    public static String version() {
        String v = ExternrefProcessor.class.getPackage().getImplementationVersion();
        if (v == null) {
            ModuleDescriptor module = ExternrefProcessor.class.getModule().getDescriptor();
            v = module == null ? null : module.rawVersion().orElse(null);
        }
        return v == null ? "dev" : v;
    }

    /** The processor's options; {@link ExternrefProcessor#builder()} starts one. Not thread-safe. */
    public static final class Builder {
        private String tableName = DEFAULT_TABLE_NAME;
        private DropFunction dropFunction;
        private SlotAllocator slotAllocator = SlotAllocator.AMORTIZED;
        private int parallelism;

        private Builder() {
        }

        /**
         * Exports the reference table under this name ({@value ExternrefProcessor#DEFAULT_TABLE_NAME}
         * unless set).
         *
         * @param name the export name; null or empty: do not export the table
         * @return this builder
         * @throws IllegalArgumentException when the name is not well-formed Unicode
         */
        public Builder tableName(String name) {
            this.tableName = name == null || name.isEmpty() ? null : WellFormedNames.require(name, "the table name");
            return this;
        }

        /**
         * Calls this host function with each reference just before its slot is released.
         *
         * @param hook the host function; null: none (the default)
         * @return this builder
         */
        public Builder dropFunction(DropFunction hook) {
            this.dropFunction = hook;
            return this;
        }

        /**
         * Chooses the slot algorithm of the generated glue.
         *
         * @param allocator the algorithm; {@link SlotAllocator#AMORTIZED} unless set
         * @return this builder
         */
        public Builder slotAllocator(SlotAllocator allocator) {
            this.slotAllocator = Objects.requireNonNull(allocator, "allocator");
            return this;
        }

        /**
         * Threads for one module's code: 1 single-threaded, 0 (default) the available processors
         * for modules with more than 4 MB of code. The output is the same byte for byte.
         *
         * @param threads the number of threads, or 0 to choose automatically
         * @return this builder
         * @throws IllegalArgumentException when {@code threads} is negative
         */
        public Builder parallelism(int threads) {
            if (threads < 0) {
                throw new IllegalArgumentException("threads must be 0 (automatic) or more: " + threads);
            }
            this.parallelism = threads;
            return this;
        }

        /**
         * Makes a processor with the options set so far; the builder can go on to make others.
         *
         * @return the processor
         */
        public ExternrefProcessor build() {
            return new ExternrefProcessor(this);
        }
    }
}
