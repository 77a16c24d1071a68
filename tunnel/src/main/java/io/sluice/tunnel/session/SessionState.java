package io.sluice.tunnel.session;

/** The life of a {@link TunnelSession}; the legal edges live here. */
public enum SessionState {
    /** Asking the registry for a lease. */
    ACQUIRING,
    /** Connecting to the lease's address (a failure goes back to ACQUIRING for a bounded retry). */
    CONNECTING,
    /** The 101 is sent; bytes flow both ways. */
    OPEN,
    /** One side ended: draining what is owed, CLOSE sent, waiting (bounded) for the peers. */
    CLOSING,
    /** Both channels closed, the lease released. */
    CLOSED;

    boolean canMoveTo(SessionState next) {
        return switch (this) {
            case ACQUIRING -> next == CONNECTING || next == CLOSED;
            case CONNECTING -> next == ACQUIRING || next == OPEN || next == CLOSED;
            case OPEN -> next == CLOSING;
            case CLOSING -> next == CLOSED;
            case CLOSED -> false;
        };
    }
}
