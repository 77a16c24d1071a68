package io.sluice.tunnel.frame;

/** A text route's backend sent bytes that are not UTF-8; the session closes with 1011. */
public final class InvalidBackendTextException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long offset;

    public InvalidBackendTextException(String message) {
        this(message, -1);
    }

    /** @param offset position in the backend's output of the first byte that cannot be UTF-8, or -1 if unknown */
    public InvalidBackendTextException(String message, long offset) {
        super(message, null, false, false);
        this.offset = offset;
    }

    /** Position in the backend's output (counted from 0 over the whole session) of the offending byte, or -1. */
    public long offset() {
        return offset;
    }
}
