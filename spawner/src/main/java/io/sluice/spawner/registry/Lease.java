package io.sluice.spawner.registry;

import io.sluice.spawner.spec.BackendAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A claim on one unit of one worker's capacity. The tunnel connects to {@link #address()}, reports what happened,
 * and closes the lease exactly when its session ends. Thread-safe; {@link #close()} is idempotent and releases the
 * load exactly once.
 */
public final class Lease implements Acquisition, AutoCloseable {

    /** The spawner side of a lease: told of facts, decides what they mean. Implementations never throw. */
    public interface Owner {
        void connected(Lease lease);

        void connectFailed(Lease lease, Throwable cause);

        void released(Lease lease);
    }

    private final String route;
    private final String backendName;
    private final BackendAddress address;
    private final Duration connectTimeout;
    private final Owner owner;
    private final CompletionStage<Void> ready;
    private final CompletionStage<Boolean> workerExit;
    private final AtomicBoolean released = new AtomicBoolean();

    /** A lease on a backend that is listening already and whose end Sluice cannot see (an existing server). */
    public Lease(String route, String backendName, BackendAddress address, Duration connectTimeout, Owner owner) {
        this(route, backendName, address, connectTimeout, owner, CompletableFuture.completedFuture(null),
                new CompletableFuture<>());
    }

    /**
     * A lease on a worker Sluice runs: {@code ready} completes once its socket listens (at once for a running
     * worker, after the spawn for one started on demand); {@code workerExit} completes when that process ends.
     */
    public Lease(String route, String backendName, BackendAddress address, Duration connectTimeout, Owner owner,
                 CompletionStage<Void> ready, CompletionStage<Boolean> workerExit) {
        this.route = Objects.requireNonNull(route, "route");
        this.backendName = Objects.requireNonNull(backendName, "backendName");
        this.address = Objects.requireNonNull(address, "address");
        this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.ready = Objects.requireNonNull(ready, "ready");
        this.workerExit = Objects.requireNonNull(workerExit, "workerExit");
    }

    public String route() {
        return route;
    }

    public String backendName() {
        return backendName;
    }

    /** Where to connect: the chosen worker's own address. */
    public BackendAddress address() {
        return address;
    }

    /** How long one connect attempt may take ({@code connect-timeout}); zero means no bound. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * Completes when {@link #address()} accepts connections; connect only then. It may complete on the supervisor
     * thread: hop to your own executor. Fails when the worker could not be started.
     */
    public CompletionStage<Void> ready() {
        return ready;
    }

    /**
     * Completes when the worker process behind this lease ends: {@code true} when it failed (non-zero exit or a
     * signal), {@code false} for exit 0. Never completes for a backend Sluice does not run. Lets the tunnel tell a
     * crash (1011) from a clean end (1000) when the kernel shows both as EOF. Completes on the supervisor thread.
     */
    public CompletionStage<Boolean> workerExit() {
        return workerExit;
    }

    /** The connect succeeded. */
    public void connected() {
        if (!released.get()) {
            owner.connected(this);
        }
    }

    /** The connect failed or timed out: the spawner decides (disable the worker); the lease is released. */
    public void connectFailed(Throwable cause) {
        if (released.compareAndSet(false, true)) {
            owner.connectFailed(this, cause);
            owner.released(this);
        }
    }

    /** Releases the claim; idempotent. */
    @Override
    public void close() {
        if (released.compareAndSet(false, true)) {
            owner.released(this);
        }
    }

    public boolean isReleased() {
        return released.get();
    }

    @Override
    public String toString() {
        return "Lease[" + route + " -> " + backendName + " @ " + address.describe() + "]";
    }
}
