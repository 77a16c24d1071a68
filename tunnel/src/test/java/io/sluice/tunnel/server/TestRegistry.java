package io.sluice.tunnel.server;

import io.sluice.spawner.registry.Acquisition;
import io.sluice.spawner.registry.ConnectTerms;
import io.sluice.spawner.registry.Lease;
import io.sluice.spawner.registry.Registry;
import io.sluice.spawner.registry.SelectionKey;
import io.sluice.spawner.registry.SessionRequest;
import io.sluice.spawner.registry.Unavailable;
import io.sluice.spawner.spec.BackendAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/** A registry for tests: hands out leases on one address (or Unavailable) and records every fact it is told. */
public final class TestRegistry implements Registry, Lease.Owner {
    private final BackendAddress address;
    private final String unavailableReason;
    private int unavailableStatus = Unavailable.SERVICE_UNAVAILABLE;
    private boolean proxyProtocol;
    private final Duration connectTimeout;
    public final List<String> events = new CopyOnWriteArrayList<>();
    public final List<SelectionKey> keys = new CopyOnWriteArrayList<>();
    public final List<SessionRequest> requests = new CopyOnWriteArrayList<>();

    private final CompletionStage<Void> ready;
    private final Lease.WorkerProbe worker;

    private TestRegistry(BackendAddress address, String unavailableReason, Duration connectTimeout,
                         CompletionStage<Void> ready, Lease.WorkerProbe worker) {
        this.address = address;
        this.unavailableReason = unavailableReason;
        this.connectTimeout = connectTimeout;
        this.ready = ready;
        this.worker = worker;
    }

    private TestRegistry(BackendAddress address, String unavailableReason, Duration connectTimeout) {
        this(address, unavailableReason, connectTimeout, null, null);
    }

    /** Leases on a worker Sluice runs: connect once {@code ready} completes; {@code worker} tells how it is. */
    public static TestRegistry worker(BackendAddress address, CompletionStage<Void> ready,
                                      Lease.WorkerProbe worker) {
        return new TestRegistry(address, null, Duration.ofSeconds(2), ready, worker);
    }

    /** Leases on per-connection programs ({@code address} is {@link BackendAddress.Stdio}), spawned when ready. */
    public static TestRegistry program(BackendAddress.Stdio address, CompletionStage<Void> ready,
                                       Lease.WorkerProbe worker) {
        return worker(address, ready, worker);
    }

    public static TestRegistry leasing(BackendAddress address) {
        return new TestRegistry(address, null, Duration.ofSeconds(2));
    }

    public static TestRegistry unavailable(String reason) {
        return new TestRegistry(null, reason, Duration.ZERO);
    }

    /** Leases on an existing server with {@code proxy-protocol: v2}. */
    public static TestRegistry proxying(BackendAddress address) {
        TestRegistry registry = new TestRegistry(address, null, Duration.ofSeconds(2));
        registry.proxyProtocol = true;
        return registry;
    }

    /** Refuses every session with {@code status} (429 for a key over its session cap) and {@code reason}. */
    public static TestRegistry refusing(int status, String reason) {
        TestRegistry registry = new TestRegistry(null, reason, Duration.ZERO);
        registry.unavailableStatus = status;
        return registry;
    }

    @Override
    public Acquisition acquire(String route, SessionRequest request) {
        events.add("acquire " + route);
        keys.add(request.selection());
        requests.add(request);
        if (address == null) {
            return new Unavailable(route, unavailableReason, "", unavailableStatus);
        }
        if (ready != null) {
            return new Lease(route, "test", address, connectTimeout, this, ready, worker);
        }
        return new Lease(route, "test", address, new ConnectTerms(connectTimeout, connectTimeout, proxyProtocol),
                this);
    }

    @Override
    public void connected(Lease lease) {
        events.add("connected");
    }

    @Override
    public void connectFailed(Lease lease, Throwable cause) {
        events.add("connectFailed");
    }

    @Override
    public void released(Lease lease) {
        events.add("released");
    }

    public long count(String event) {
        return events.stream().filter(event::equals).count();
    }
}
