package dev.externref.host;

/**
 * The body of a host function the guest imports, in Java values: references arrive as the
 * objects they stand for, and an object returned at a reference position is handed to the guest.
 *
 * @param <I> the runtime's instance type (for its memory)
 */
@FunctionalInterface
public interface HostCall<I> {
    /**
     * Runs the host function.
     *
     * @param instance the calling instance
     * @param args     the arguments
     * @return null without results, the value for one result (an object, or null, at a reference
     *         position; a boxed number elsewhere), an {@code Object[]} for several
     */
    Object call(I instance, Arguments args);
}
