package dev.externref.engine;

/**
 * The host function that the generated {@code drop} glue calls with a reference before it
 * releases the reference's slot; imported as {@code module.name} with type {@code (externref) -> ()}.
 *
 * @param module the import's module name
 * @param name   the import's field name
 */
public record DropFunction(String module, String name) {
    /**
     * A drop hook.
     *
     * @param module the import's module name, not empty
     * @param name   the import's field name, not empty
     * @throws IllegalArgumentException when either is null or empty, or not well-formed Unicode
     */
    public DropFunction {
        if (module == null || module.isEmpty() || name == null || name.isEmpty()) {
            throw new IllegalArgumentException("drop function needs a module and a name, as module::name");
        }
        WellFormedNames.require(module, "the drop function's module");
        WellFormedNames.require(name, "the drop function's name");
    }

    /**
     * Parses {@code module::name}, as the command line and the Maven plugin take it.
     *
     * @param spec the module and the name, separated by {@code ::}
     * @return the drop hook
     * @throws IllegalArgumentException when {@code spec} is not of that form
     */
    public static DropFunction parse(String spec) {
        int sep = spec == null ? -1 : spec.indexOf("::");
        if (sep <= 0 || sep + 2 >= spec.length()) {
            throw new IllegalArgumentException("drop function must be written module::name, got '" + spec + "'");
        }
        return new DropFunction(spec.substring(0, sep), spec.substring(sep + 2));
    }

    /**
     * The hook as {@link #parse} reads it.
     *
     * @return {@code module::name}
     */
    @Override
    public String toString() {
        return module + "::" + name;
    }
}
