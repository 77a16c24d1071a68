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

    /**
     * How the spawner answers {@link #workerOutcome()} for one run of a worker. Never blocks: it answers from what the
     * spawner already knows and at most one small read of the process's kernel state.
     */
    @FunctionalInterface
    public interface WorkerProbe {
        WorkerOutcome read();
    }

    /**
     * Hands a per-connection program's stdio end over to the tunnel, once. The spawner keeps owning it until then,
     * and closes it when the lease is released untaken.
     */
    @FunctionalInterface
    public interface StdioHandover {
        /** @throws IllegalStateException when the program has not started, or its end was taken or closed */
        StdioEnd take();
    }

    /** The probe of a backend Sluice does not run: its process cannot be seen, so it counts as running. */
    private static final WorkerProbe UNSEEN = () -> WorkerOutcome.RUNNING;
    /** A lease on a socket address has no stdio end. */
    private static final StdioHandover NO_STDIO = () -> {
        throw new IllegalStateException("only a lease on a per-connection program has a stdio end");
    };

    private final String route;
    private final String backendName;
    private final BackendAddress address;
    private final ConnectTerms terms;
    private final Owner owner;
    private final CompletionStage<Void> ready;
    private final WorkerProbe worker;
    private final StdioHandover stdio;
    private final AtomicBoolean released = new AtomicBoolean();

    /** A lease on a backend that is listening already and whose end Sluice cannot see (an existing server). */
    public Lease(String route, String backendName, BackendAddress address, Duration connectTimeout, Owner owner) {
        this(route, backendName, address, ConnectTerms.of(connectTimeout), owner);
    }

    /** A lease on an existing server, connected to on {@code terms}. */
    public Lease(String route, String backendName, BackendAddress address, ConnectTerms terms, Owner owner) {
        this(route, backendName, address, terms, owner, CompletableFuture.completedFuture(null), UNSEEN);
    }

    /**
     * A lease on a worker Sluice runs: {@code ready} completes once its socket listens (at once for a running
     * worker, after the spawn for one started on demand); {@code worker} tells, when asked, how that process is.
     */
    public Lease(String route, String backendName, BackendAddress address, Duration connectTimeout, Owner owner,
                 CompletionStage<Void> ready, WorkerProbe worker) {
        this(route, backendName, address, ConnectTerms.of(connectTimeout), owner, ready, worker);
    }

    /** A lease on a worker Sluice runs, connected to on {@code terms}. */
    public Lease(String route, String backendName, BackendAddress address, ConnectTerms terms, Owner owner,
                 CompletionStage<Void> ready, WorkerProbe worker) {
        this(route, backendName, address, terms, owner, ready, worker, NO_STDIO);
    }

    /**
     * A lease on a per-connection program ({@code address} is {@link BackendAddress.Stdio}): {@code ready} completes
     * once it was spawned, and {@code stdio} hands its stdin/stdout end over.
     */
    public Lease(String route, String backendName, BackendAddress address, ConnectTerms terms, Owner owner,
                 CompletionStage<Void> ready, WorkerProbe worker, StdioHandover stdio) {
        this.route = Objects.requireNonNull(route, "route");
        this.backendName = Objects.requireNonNull(backendName, "backendName");
        this.address = Objects.requireNonNull(address, "address");
        this.terms = Objects.requireNonNull(terms, "terms");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.ready = Objects.requireNonNull(ready, "ready");
        this.worker = Objects.requireNonNull(worker, "worker");
        this.stdio = Objects.requireNonNull(stdio, "stdio");
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
        return terms.connectTimeout();
    }

    /**
     * How long to wait for {@link #ready()} at most (a per-key host's {@code start-timeout}, else
     * {@code connect-timeout}); zero means no bound. A start that takes longer is given up: the session gets 503.
     */
    public Duration startTimeout() {
        return terms.startTimeout();
    }

    /** Whether the connection must start with a PROXY protocol v2 header ({@code proxy-protocol: v2}). */
    public boolean proxyProtocol() {
        return terms.proxyProtocol();
    }

    /**
     * Completes when {@link #address()} accepts connections; connect only then. It may complete on the supervisor
     * thread: hop to your own executor. Fails when the worker could not be started: with a {@link StartFailure} when
     * trying again is pointless (a per-connection program that cannot be spawned).
     */
    public CompletionStage<Void> ready() {
        return ready;
    }

    /**
     * How the worker process behind this lease is doing now; read it when the backend connection ended, since the
     * kernel shows a crash and a clean close alike as EOF. Never blocks (at most one small procfs read), safe on an
     * event loop, and registers nothing: a lease that is never asked costs nothing. {@code EXITING} means the end
     * has begun and the final outcome follows within milliseconds: ask again shortly. A backend Sluice does not run
     * is always {@code RUNNING}.
     */
    public WorkerOutcome workerOutcome() {
        return worker.read();
    }

    /**
     * For a lease on a per-connection program ({@link #address()} is {@link BackendAddress.Stdio}), once
     * {@link #ready()} completed: the program's stdin/stdout end. Ownership passes to the caller, who must close it
     * (a channel built on it does); if it is never taken, releasing the lease closes it.
     *
     * @throws IllegalStateException for any other lease, before the program started, on a second call, or after the
     *                               lease was released
     */
    public StdioEnd takeStdio() {
        if (released.get()) {
            throw new IllegalStateException(this + " is released");
        }
        return stdio.take();
    }

    /** The connect succeeded. */
    public void connected() {
        if (!released.get()) {
            owner.connected(this);
        }
    }

    /**
     * The backend refused the connection or did not answer in time: the spawner decides (disable the worker, restart
     * it after repeated refusals); the lease is released. Only for the backend's own refusals: a failure of Sluice's
     * own resources (no file descriptors, no memory) is not the worker's fault, so such a lease is just
     * {@link #close() closed}.
     */
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
