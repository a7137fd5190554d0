package dev.externref.host;

import java.util.function.Consumer;

/**
 * A processed module instantiated on a runtime, with Java objects as its externrefs: what the
 * runtime adapters ({@code ChicoryHost}, {@code EndiveHost}) have in common.
 */
public interface ExternRefHost {
    /**
     * Calls an export with Java values: objects (or null) at reference positions, boxed numbers
     * elsewhere.
     *
     * @param export the export's name
     * @param args   one value per parameter
     * @return null without results, the value for one result, an {@code Object[]} for several
     * @throws IllegalArgumentException if there is no such function export, or an argument does
     *                                  not fit its parameter
     */
    Object call(String export, Object... args);

    /**
     * The registry of the objects this host handed to the module.
     *
     * @return the registry
     */
    ExternRefs refs();

    /**
     * The imports of a host; {@link #build()} instantiates the module.
     *
     * @param <I> the runtime's instance type
     * @param <B> the builder's own type
     */
    interface Builder<I, B extends Builder<I, B>> {
        /**
         * Uses a registry of one's own (for example one shared by several instances) instead of
         * a new one.
         *
         * @param refs the registry
         * @return this builder
         */
        B refs(ExternRefs refs);

        /**
         * Provides an imported function, typed as the module imports it.
         *
         * @param module the import's module name
         * @param name   the import's field name
         * @param body   the function, in Java values
         * @return this builder
         * @throws IllegalArgumentException if the module imports no such function
         */
        B function(String module, String name, HostCall<I> body);

        /**
         * Provides the drop hook the module was processed with ({@code dropFunction}
         * {@code module::name}): each call releases one reference in the registry.
         *
         * @param module the hook's module name
         * @param name   the hook's field name
         * @return this builder
         * @throws IllegalArgumentException if the module does not import it as {@code (externref) -> ()}
         */
        default B dropHook(String module, String name) {
            return dropHook(module, name, o -> { });
        }

        /**
         * Provides the drop hook, telling a listener about each object before its reference is
         * released.
         *
         * @param module  the hook's module name
         * @param name    the hook's field name
         * @param dropped called with the object the guest dropped
         * @return this builder
         * @throws IllegalArgumentException if the module does not import it as {@code (externref) -> ()}
         */
        B dropHook(String module, String name, Consumer<Object> dropped);

        /**
         * Instantiates the module (running its start function, if any).
         *
         * @return the host
         */
        ExternRefHost build();
    }
}
