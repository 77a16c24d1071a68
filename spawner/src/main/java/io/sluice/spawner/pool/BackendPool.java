package io.sluice.spawner.pool;

import io.sluice.spawner.spec.BackendSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * The runtime of one configured backend, as the supervisor drives it: a {@link ProcessPool} (an existing server or a
 * pool of spawned workers), a {@link KeyedPool} (one worker per key) or a {@link ProgramPool} (one program per
 * session). Confined to the supervisor thread.
 */
public sealed interface BackendPool permits ProcessPool, KeyedPool, ProgramPool {

    String route();

    BackendSpec spec();

    /**
     * Creates the first workers.
     *
     * @throws WorkerStartException when a worker cannot listen or be spawned; the caller stops the pool
     */
    void start();

    /** One step of the backend's rules at {@code now}; demand nudges call it too. */
    void tick(Instant now);

    /**
     * A reload replaced or removed this backend: it takes no new session from now on and never starts a worker again
     * (sessions waiting for a start fail at once), while the sessions it holds keep their workers. Its workers' socket
     * files are removed now, so the backend that replaces it can listen on the same paths; nobody connects to them any
     * more. The supervisor then stops it through {@link #stop()} once {@link #idle()} or the drain time passed; it is
     * not ticked meanwhile. Idempotent.
     */
    void withdraw();

    /** Whether no session holds or is making a connection to any of its workers. */
    boolean idle();

    /** Takes every worker out of rotation and stops them all; completes once all are reaped. Idempotent. */
    CompletableFuture<Void> stop();

    /** The longest a {@link #stop()} may take. */
    Duration stopBound();
}
