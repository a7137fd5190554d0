package dev.externref.host;

import java.util.List;

/**
 * The type of one import or export of a module, as the runtime adapters read it from the
 * processed module, and the conversions between Java values and what the runtime passes. A
 * processed module has {@code externref} exactly at the positions that are references, so no
 * position needs to be declared by the user.
 *
 * <p>Runtimes pass references in one of two ways, and every conversion takes both:
 * <ul>
 *   <li>as numbers among the other values (Chicory): the {@code objects} argument is null and a
 *       reference position holds the object's handle in the registry;</li>
 *   <li>as Java objects in an array beside the numbers, position for position (Endive): the
 *       {@code objects} argument is that array, and the registry counts the references and
 *       checks that the guest holds each object it passes.</li>
 * </ul>
 *
 * @param name    the function's name for messages: {@code module::name} for an import, the
 *                export's name for an export
 * @param params  the parameter types
 * @param results the result types
 */
public record Signature(String name, List<ValueKind> params, List<ValueKind> results) {
    /**
     * A signature; the lists are copied.
     *
     * @param name    the function's name for messages
     * @param params  the parameter types
     * @param results the result types
     */
    public Signature {
        params = List.copyOf(params);
        results = List.copyOf(results);
    }

    /**
     * The arguments of an export call, as the runtime takes them: objects at reference
     * positions are handed out (the guest takes a reference to each).
     *
     * @param refs    the registry
     * @param objects null to pass references as handles, else an array of {@code args.length}
     *                that receives the objects at reference positions
     * @param args    one value per parameter
     * @return the raw arguments
     * @throws IllegalArgumentException for a wrong number of arguments or a value of the wrong type
     */
    public long[] encodeArguments(ExternRefs refs, Object[] objects, Object... args) {
        if (args.length != params.size()) {
            throw new IllegalArgumentException(name + " takes " + params.size() + " argument(s) " + params
                    + ", got " + args.length);
        }
        String[] where = new String[args.length];
        for (int i = 0; i < args.length; i++) {
            where[i] = "argument " + i + " of " + name;
        }
        return encode(params, args, where, refs, objects);
    }

    /**
     * The results of an export call as Java values.
     *
     * @param refs    the registry
     * @param raw     what the runtime returned (null or empty for no results)
     * @param objects null if references came as handles, else the objects the runtime returned
     * @return null without results, the value for one result, an {@code Object[]} for several
     */
    public Object decodeResults(ExternRefs refs, long[] raw, Object[] objects) {
        if (results.isEmpty()) {
            return null;
        }
        if (raw == null || raw.length != results.size()) {
            throw new IllegalStateException(name + " returned " + (raw == null ? 0 : raw.length)
                    + " value(s), its type has " + results.size());
        }
        Object[] values = decode(results, raw, objects, refs);
        return values.length == 1 ? values[0] : values;
    }

    /**
     * The arguments the guest passed to a host function, as Java values.
     *
     * @param refs    the registry
     * @param raw     what the runtime passed
     * @param objects null if references came as handles, else the objects the runtime passed
     * @return the arguments
     */
    public Arguments decodeArguments(ExternRefs refs, long[] raw, Object[] objects) {
        return new Arguments(name, decode(params, raw, objects, refs));
    }

    /**
     * A host function's result as the runtime takes it: objects at reference positions are
     * handed out (the guest takes a reference to each).
     *
     * @param refs    the registry
     * @param result  null without results, the value for one result, an {@code Object[]} for several
     * @param objects null to pass references as handles, else an array of the result count that
     *                receives the objects at reference positions
     * @return the raw results, null without results
     */
    public long[] encodeResults(ExternRefs refs, Object result, Object[] objects) {
        if (results.isEmpty()) {
            if (result != null) {
                throw new IllegalArgumentException(name + " returns nothing, but its host function returned " + result);
            }
            return null;
        }
        if (results.size() == 1) {
            return encode(results, new Object[] {result}, new String[] {"the result of " + name}, refs, objects);
        }
        if (!(result instanceof Object[]) || ((Object[]) result).length != results.size()) {
            throw new IllegalArgumentException(name + " returns " + results + ": its host function must return an Object["
                    + results.size() + "]");
        }
        Object[] values = (Object[]) result;
        String[] where = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            where[i] = "result " + i + " of " + name;
        }
        return encode(results, values, where, refs, objects);
    }

    /** Numbers first, then references: a value of the wrong type hands out nothing. */
    private static long[] encode(List<ValueKind> kinds, Object[] values, String[] where, ExternRefs refs, Object[] objects) {
        long[] raw = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            if (kinds.get(i) != ValueKind.EXTERNREF) {
                raw[i] = kinds.get(i).encode(values[i], where[i]);
            }
        }
        for (int i = 0; i < values.length; i++) {
            if (kinds.get(i) == ValueKind.EXTERNREF) {
                long handle = refs.handOut(values[i]);
                if (objects == null) {
                    raw[i] = handle;
                } else {
                    objects[i] = values[i];
                }
            }
        }
        return raw;
    }

    private static Object[] decode(List<ValueKind> kinds, long[] raw, Object[] objects, ExternRefs refs) {
        Object[] values = new Object[kinds.size()];
        for (int i = 0; i < values.length; i++) {
            ValueKind kind = kinds.get(i);
            if (kind != ValueKind.EXTERNREF) {
                values[i] = kind.decode(raw[i]);
            } else {
                values[i] = objects == null ? refs.object(raw[i]) : refs.requireHeld(objects[i]);
            }
        }
        return values;
    }

    @Override
    public String toString() {
        return name + " " + params + " -> " + results;
    }
}
