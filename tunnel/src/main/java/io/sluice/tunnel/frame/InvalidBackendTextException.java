package io.sluice.tunnel.frame;

/** A text route's backend sent bytes that are not UTF-8; the session closes with 1011. */
public final class InvalidBackendTextException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidBackendTextException(String message) {
        super(message, null, false, false);
    }
}
