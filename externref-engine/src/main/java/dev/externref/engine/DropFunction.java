package dev.externref.engine;

/**
 * The host function that the generated {@code drop} glue calls with a reference before it
 * releases the reference's slot; imported as {@code module.name} with type {@code (externref) -> ()}.
 */
public record DropFunction(String module, String name) {
    public DropFunction {
        if (module == null || module.isEmpty() || name == null || name.isEmpty()) {
            throw new IllegalArgumentException("drop function needs a module and a name, as module::name");
        }
        WellFormedNames.require(module, "the drop function's module");
        WellFormedNames.require(name, "the drop function's name");
    }

    /** Parses {@code module::name}. */
    public static DropFunction parse(String spec) {
        int sep = spec == null ? -1 : spec.indexOf("::");
        if (sep <= 0 || sep + 2 >= spec.length()) {
            throw new IllegalArgumentException("drop function must be written module::name, got '" + spec + "'");
        }
        return new DropFunction(spec.substring(0, sep), spec.substring(sep + 2));
    }

    @Override
    public String toString() {
        return module + "::" + name;
    }
}
