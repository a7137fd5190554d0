package dev.externref.host;

/**
 * A reference that does not stand for an object the guest holds: a handle never handed out, or
 * one already released (or, on a runtime that passes objects, an object the registry does not hold).
 */
public final class UnknownHandleException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** The handle that was rejected. */
    private final long handle;

    UnknownHandleException(long handle, String message) {
        super(message);
        this.handle = handle;
    }

    /**
     * The rejected handle.
     *
     * @return the handle as the runtime passed it ({@link ExternRefs#NULL} for an object)
     */
    public long handle() {
        return handle;
    }
}
