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

    /** Takes every worker out of rotation and stops them all; completes once all are reaped. Idempotent. */
    CompletableFuture<Void> stop();

    /** The longest a {@link #stop()} may take. */
    Duration stopBound();
}
