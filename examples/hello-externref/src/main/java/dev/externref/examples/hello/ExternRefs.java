package dev.externref.examples.hello;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The host's side of externref values. Chicory passes an {@code externref} between Java and
 * WebAssembly as an int handle, with {@code -1} for null; this registry maps handles to the
 * Java objects they stand for. The same object always gets the same handle.
 *
 * <p>Entries are kept for the registry's lifetime: a module's release of a reference (the
 * drop hook) says that the module no longer holds it, not that the host is done with it: a
 * reference returned from an export is released by the module just before the host gets it.
 * A long-running host would drop entries when neither side holds the object any more.
 */
public final class ExternRefs {
    /** Chicory's null reference. */
    public static final long NULL = -1;

    private final List<Object> objects = new ArrayList<>();
    private final Map<Object, Integer> handles = new IdentityHashMap<>();

    /** The handle of an object, or {@link #NULL} for null. */
    public long toHandle(Object object) {
        if (object == null) {
            return NULL;
        }
        return handles.computeIfAbsent(object, o -> {
            objects.add(o);
            return objects.size() - 1;
        });
    }

    /** The object of a handle; null for {@link #NULL}. */
    public Object toObject(long handle) {
        if (handle == NULL) {
            return null;
        }
        if (handle < 0 || handle >= objects.size()) {
            throw new IllegalArgumentException("no object has externref handle " + handle);
        }
        return objects.get((int) handle);
    }

    /** The object of a handle, which must be of this type. */
    public <T> T toObject(long handle, Class<T> type) {
        Object o = toObject(handle);
        if (!type.isInstance(o)) {
            throw new IllegalArgumentException("externref handle " + handle + " is " + o + ", not a " + type.getSimpleName());
        }
        return type.cast(o);
    }
}
