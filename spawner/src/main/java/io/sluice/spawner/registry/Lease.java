package io.sluice.spawner.registry;

import io.sluice.spawner.spec.BackendAddress;
import java.time.Duration;
import java.util.Objects;
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
    private final AtomicBoolean released = new AtomicBoolean();

    public Lease(String route, String backendName, BackendAddress address, Duration connectTimeout, Owner owner) {
        this.route = Objects.requireNonNull(route, "route");
        this.backendName = Objects.requireNonNull(backendName, "backendName");
        this.address = Objects.requireNonNull(address, "address");
        this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
        this.owner = Objects.requireNonNull(owner, "owner");
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
