package dev.externref.engine.guest;

/**
 * A processed guest module did something its specification does not allow: a wrong event,
 * result, table content, drop, or interface. Unchecked, so that it can leave a host function
 * called by the module (Chicory passes it through).
 */
final class GuestMismatch extends RuntimeException {
    private static final long serialVersionUID = 1L;

    GuestMismatch(String message) {
        super(message);
    }

    GuestMismatch(String message, Throwable cause) {
        super(message, cause);
    }
}
