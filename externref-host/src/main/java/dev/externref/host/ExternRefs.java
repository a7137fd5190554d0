package dev.externref.host;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Java objects handed to a WebAssembly guest as {@code externref} values.
 *
 * <p>Chicory and Endive pass an {@code externref} between Java and WebAssembly as a bare
 * number, with {@link #NULL} ({@code -1}) for null. This registry gives each object it hands
 * out a handle and gives the object back for that handle. It counts the references the guest
 * holds: {@link #handOut} adds one (a module processed from Rust's {@code externref} crate puts
 * every non-null reference it receives into one slot of its table), {@link #release} removes one
 * (the module's drop hook, see {@code dropFunction} of {@code externref:process}). An object the
 * guest no longer holds anywhere leaves the registry, so its size follows the guest's
 * references and a leak shows as a growing {@link #liveCount()}.
 *
 * <ul>
 *   <li>Identity, not {@code equals}: two equal but distinct objects get two handles; one object
 *       keeps its handle while the guest holds it.</li>
 *   <li>A handle is never the null handle, and a live handle is never given to another object.
 *       Handles start at {@value #FIRST_HANDLE}, far from small integers, so that a slot index
 *       passed off as a reference is rejected instead of resolved; released handles are not
 *       handed out again until the handle space has been used up once.</li>
 *   <li>A handle never handed out, or already released, is rejected with an
 *       {@link UnknownHandleException} that says which.</li>
 *   <li>A reference the guest returns from an export is dropped by the guest just before the
 *       host receives it. Releases during a {@link #call()} scope are therefore applied when
 *       the outermost scope on that thread ends; the runtime adapters open one around every
 *       export call.</li>
 * </ul>
 *
 * <p>Thread-safe: one registry may serve several instances running on different threads.
 */
public final class ExternRefs {
    /** The null externref of Chicory and Endive. */
    public static final long NULL = -1;

    /** The first handle handed out. */
    public static final int FIRST_HANDLE = 0x4000_0000;

    private static final class Entry {
        final Object object;
        final int handle;
        int holds;

        Entry(Object object, int handle) {
            this.object = object;
            this.handle = handle;
        }
    }

    /** The export calls in progress on one thread and the entries released during them. */
    private static final class CallFrames {
        int depth;
        final List<Entry> released = new ArrayList<>();
    }

    private final Map<Integer, Entry> byHandle = new HashMap<>();
    private final Map<Object, Entry> byObject = new IdentityHashMap<>();
    private final ThreadLocal<CallFrames> frames = ThreadLocal.withInitial(CallFrames::new);
    private int nextHandle = FIRST_HANDLE;
    private boolean handlesWrapped;
    private int live;
    private long held;

    /** An empty registry. */
    public ExternRefs() {
    }

    /**
     * Hands an object to the guest: its handle, with one more reference held by the guest.
     *
     * @param object any object, or null
     * @return the object's handle, the same while the guest holds it; {@link #NULL} for null
     *         (which counts nothing)
     */
    public synchronized long handOut(Object object) {
        if (object == null) {
            return NULL;
        }
        Entry entry = byObject.get(object);
        if (entry == null) {
            entry = new Entry(object, freeHandle());
            byObject.put(object, entry);
            byHandle.put(entry.handle, entry);
        }
        if (entry.holds++ == 0) {
            live++;
        }
        held++;
        return entry.handle;
    }

    /**
     * The object a handle stands for.
     *
     * @param handle a handle from {@link #handOut}, or {@link #NULL}
     * @return the object; null for {@link #NULL}
     * @throws UnknownHandleException if the handle was never handed out or has been released
     */
    public synchronized Object object(long handle) {
        if (handle == NULL) {
            return null;
        }
        return entry(handle).object;
    }

    /**
     * The object a handle stands for, which must be of the given type.
     *
     * @param handle a handle from {@link #handOut}, or {@link #NULL}
     * @param type   the class the object must be an instance of
     * @param <T>    that class
     * @return the object; null for {@link #NULL}
     * @throws UnknownHandleException if the handle was never handed out or has been released
     * @throws ClassCastException     if the object is of another type
     */
    public <T> T object(long handle, Class<T> type) {
        Object o = object(handle);
        if (o != null && !type.isInstance(o)) {
            throw new ClassCastException("externref handle " + handle + " is a " + o.getClass().getName()
                    + ", not a " + type.getName());
        }
        return type.cast(o);
    }

    /**
     * The guest dropped one reference to the handle's object: the body of the module's drop
     * hook. When the guest holds the object nowhere any more it leaves the registry (at the end
     * of the outermost {@link #call()} scope of this thread, if one is open).
     *
     * @param handle a handle the guest holds; {@link #NULL} is ignored (the reference
     *               processor's modules may call the hook with null)
     * @throws UnknownHandleException if the handle was never handed out, or all its references
     *                                have been released already
     */
    public synchronized void release(long handle) {
        if (handle == NULL) {
            return;
        }
        release(entry(handle));
    }

    /**
     * The guest dropped one reference to an object: the drop hook on a runtime that passes
     * references as objects (Endive). Otherwise as {@link #release(long)}.
     *
     * @param object the object the guest dropped; null is ignored
     * @throws UnknownHandleException if the guest holds no reference to the object
     */
    public synchronized void releaseObject(Object object) {
        if (object == null) {
            return;
        }
        Entry entry = byObject.get(object);
        if (entry == null) {
            throw new UnknownHandleException(NULL, "the guest dropped " + describe(object)
                    + ", which this registry never handed out or has released");
        }
        release(entry);
    }

    /** Checks that the guest holds (or has just returned) an object it passed on a runtime that passes objects. */
    synchronized Object requireHeld(Object object) {
        if (object != null && !byObject.containsKey(object)) {
            throw new UnknownHandleException(NULL, "the guest passed " + describe(object)
                    + ", which this registry never handed out or has released");
        }
        return object;
    }

    private void release(Entry entry) {
        if (entry.holds == 0) {
            throw new UnknownHandleException(entry.handle, "externref handle " + entry.handle
                    + " was released more often than it was handed out");
        }
        held--;
        if (--entry.holds > 0) {
            return;
        }
        live--;
        CallFrames f = frames.get();
        if (f.depth > 0) {
            f.released.add(entry);
        } else {
            remove(entry);
        }
    }

    /**
     * The objects the guest holds (each counted once, however many references to it it holds).
     *
     * @return the number of live entries
     */
    public synchronized int liveCount() {
        return live;
    }

    /**
     * The references the guest holds: handed out minus released. With a module processed from
     * the {@code externref} crate, this is the number of occupied slots of its table.
     *
     * @return the number of references held
     */
    public synchronized long heldReferences() {
        return held;
    }

    /**
     * Opens a call scope on this thread: objects released inside it stay resolvable until the
     * outermost scope closes, so that a reference an export returns (and the guest has just
     * dropped) can still be looked up. Scopes nest; use with try-with-resources.
     *
     * @return the scope, to be closed on the same thread
     */
    public CallScope call() {
        frames.get().depth++;
        return this::endCall;
    }

    /** A scope opened by {@link #call()}; closing it cannot fail. */
    @FunctionalInterface
    public interface CallScope extends AutoCloseable {
        /** Ends the scope; the outermost one applies the releases made inside it. */
        @Override
        void close();
    }

    private void endCall() {
        CallFrames f = frames.get();
        if (--f.depth > 0) {
            return;
        }
        synchronized (this) {
            for (Entry entry : f.released) {
                if (entry.holds == 0 && byHandle.get(entry.handle) == entry) {
                    remove(entry);
                }
            }
        }
        f.released.clear();
        frames.remove();
    }

    private static String describe(Object o) {
        return "a " + o.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(o));
    }

    private void remove(Entry entry) {
        byHandle.remove(entry.handle);
        byObject.remove(entry.object);
    }

    private Entry entry(long handle) {
        Entry entry = handle == (int) handle ? byHandle.get((int) handle) : null;
        if (entry != null) {
            return entry;
        }
        boolean issued = handle >= 0 && handle <= Integer.MAX_VALUE
                && (handlesWrapped || (handle >= FIRST_HANDLE && handle < nextHandle));
        throw new UnknownHandleException(handle, issued
                ? "externref handle " + handle + " was released: the guest no longer holds its object"
                : "externref handle " + handle + " was never handed out by this registry");
    }

    private int freeHandle() {
        while (true) {
            int h = nextHandle;
            if (h == Integer.MAX_VALUE) {
                nextHandle = 0;
                handlesWrapped = true;
            } else {
                nextHandle = h + 1;
            }
            if (!byHandle.containsKey(h)) {
                return h;
            }
            if (byHandle.size() == Integer.MAX_VALUE) {
                throw new IllegalStateException("every externref handle is in use");
            }
        }
    }
}
