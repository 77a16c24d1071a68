package io.sluice.spawner.pool;

import io.sluice.spawner.registry.Lease;
import java.time.InstantSource;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spawner side of every lease on one worker: keeps the worker's load and usage, and posts connect failures to the
 * supervisor thread, where {@code decide} (the worker's pool) decides. Called from any thread (event loops); never
 * throws.
 */
final class LeaseOwner implements Lease.Owner {

    private static final Logger log = LoggerFactory.getLogger(LeaseOwner.class);

    private final BiConsumer<Worker, Throwable> decide;
    private final Worker worker;
    private final Executor supervisorThread;
    private final InstantSource clock;

    /** @param decide what a connect failure means for the worker; run on the supervisor thread */
    LeaseOwner(BiConsumer<Worker, Throwable> decide, Worker worker, Executor supervisorThread, InstantSource clock) {
        this.decide = decide;
        this.worker = worker;
        this.supervisorThread = supervisorThread;
        this.clock = clock;
    }

    @Override
    public void connected(Lease lease) {
        worker.connected(clock.instant());
    }

    @Override
    public void connectFailed(Lease lease, Throwable cause) {
        try {
            supervisorThread.execute(() -> decide.accept(worker, cause));
        } catch (RejectedExecutionException e) {
            // The supervisor is stopping: nothing will be handed out again, so there is nothing left to decide.
            log.debug("route={} backend={}: connect failure after supervisor stop: {}", lease.route(),
                    lease.backendName(), cause.toString());
        }
    }

    @Override
    public void released(Lease lease) {
        try {
            worker.releaseLoad(clock.instant());
        } catch (IllegalStateException e) {
            log.error("route={} backend={}: {} ({})", lease.route(), lease.backendName(), e.getMessage(), lease);
        }
    }
}
