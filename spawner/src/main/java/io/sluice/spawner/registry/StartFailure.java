package io.sluice.spawner.registry;

/**
 * The process a lease was for could not be started, and another attempt would fail alike (a per-connection
 * program that cannot be spawned): {@link Lease#ready()} fails with it, and the session answers 503 at once with
 * {@link #getMessage()}, one line for the client that names the route, never a binary or a path. The spawner's log
 * has the details (binary, errno, hint).
 */
public final class StartFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StartFailure(String publicReason, Throwable cause) {
        super(publicReason, cause);
    }
}
