package io.sluice.spawner.pool;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.sluice.spawner.registry.Acquisition;
import io.sluice.spawner.registry.Lease;
import io.sluice.spawner.registry.SelectionKey;
import io.sluice.spawner.registry.SessionRequest;
import io.sluice.spawner.registry.Unavailable;
import io.sluice.spawner.spec.BackendAddress;
import io.sluice.spawner.spec.BackendGroup;
import io.sluice.spawner.spec.BackendSpec;
import io.sluice.spawner.spec.BalanceKind;
import io.sluice.spawner.spec.PoolLimits;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SnapshotRegistryTest {
    private static final SessionRequest KEY = new SessionRequest(
            new SelectionKey("/echo/", "example.com", "192.0.2.7"), "s1", null, List::of);
    private static final Duration DISABLE_TIME = Duration.ofSeconds(5);

    private final LogCapture registryLog = new LogCapture(SnapshotRegistry.class);
    private final LogCapture ownerLog = new LogCapture(LeaseOwner.class);
    private final LogCapture poolLog = new LogCapture(ProcessPool.class);

    @AfterEach
    void detachLogs() {
        registryLog.close();
        ownerLog.close();
        poolLog.close();
    }

    private static BackendSpec backend(String name, int port) {
        return BackendSpec.existing(name, new BackendAddress.Tcp("127.0.0.1", port), DISABLE_TIME,
                Duration.ofSeconds(3));
    }

    private static BackendGroup echo(BalanceKind balance, int backends) {
        return new BackendGroup("/echo/", balance,
                IntStream.range(0, backends).mapToObj(i -> backend("echo" + i, 9000 + i)).toList());
    }

    @Test
    void leaseCarriesTheChosenWorkersAddressAndCountsLoadUntilClosed() {
        StaticRoutes routes = new StaticRoutes(echo(BalanceKind.LEAST_CONNECTION, 2));
        Lease first = (Lease) routes.registry.acquire("/echo/", KEY);
        Lease second = (Lease) routes.registry.acquire("/echo/", KEY);
        assertThat(first.address()).isEqualTo(new BackendAddress.Tcp("127.0.0.1", 9000));
        assertThat(first.backendName()).isEqualTo("echo0");
        assertThat(first.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(second.backendName()).isEqualTo("echo1");
        first.close();
        first.close();
        assertThat(routes.worker("/echo/", 0).load()).isZero();
        assertThat(routes.worker("/echo/", 1).load()).isEqualTo(1);
        assertThat(((Lease) routes.registry.acquire("/echo/", KEY)).backendName()).isEqualTo("echo0");
    }

    @Test
    void roundRobinRouteCyclesThroughItsBackends() {
        StaticRoutes routes = new StaticRoutes(echo(BalanceKind.ROUND_ROBIN, 3));
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Lease lease = (Lease) routes.registry.acquire("/echo/", KEY);
            names.add(lease.backendName());
            lease.close();
        }
        assertThat(names).containsExactly("echo0", "echo1", "echo2", "echo0", "echo1", "echo2");
    }

    @Test
    void unknownRouteIsUnavailable() {
        StaticRoutes routes = new StaticRoutes(echo(BalanceKind.LEAST_CONNECTION, 1));
        assertThat(routes.registry.acquire("/nope/", KEY))
                .isEqualTo(new Unavailable("/nope/", "route '/nope/' is not configured"));
    }

    @Test
    void connectFailureDisablesTheWorkerForDisableTimeAndTheNextTickPastItReEnables() {
        StaticRoutes routes = new StaticRoutes(echo(BalanceKind.LEAST_CONNECTION, 2));
        Lease lease = (Lease) routes.registry.acquire("/echo/", KEY);
        lease.connectFailed(new ConnectException("Connection refused"));

        Worker failed = routes.worker("/echo/", 0);
        assertThat(failed.state()).isEqualTo(WorkerState.DISABLED);
        assertThat(failed.load()).isZero();
        assertThat(failed.disabledUntil()).isEqualTo(routes.clock.instant().plus(DISABLE_TIME));
        assertThat(poolLog.messages(Level.WARN)).containsExactly("route=/echo/ backend=echo0 address=127.0.0.1:9000: "
                + "connect failed (java.net.ConnectException: Connection refused); disabled for disable-time 5s "
                + "(consecutive failures: 1)");
        // The tunnel's retry skips the disabled worker.
        assertThat(((Lease) routes.registry.acquire("/echo/", KEY)).backendName()).isEqualTo("echo1");

        routes.clock.advance(DISABLE_TIME);
        routes.tick();
        assertThat(failed.state()).as("lighttpd re-enables only when now > disabled_until").isEqualTo(
                WorkerState.DISABLED);
        routes.clock.advance(Duration.ofMillis(1));
        routes.tick();
        assertThat(failed.state()).isEqualTo(WorkerState.RUNNING);
        assertThat(failed.disabledUntil()).isNull();
        assertThat(((Lease) routes.registry.acquire("/echo/", KEY)).backendName()).isEqualTo("echo0");
    }

    @Test
    void allBackendsDisabledIsUnavailableAndTheOutageIsLoggedOnceThenRecoveryOnce() {
        StaticRoutes routes = new StaticRoutes(echo(BalanceKind.LEAST_CONNECTION, 2));
        for (int i = 0; i < 2; i++) {
            ((Lease) routes.registry.acquire("/echo/", KEY)).connectFailed(new IOException("refused"));
        }
        Unavailable expected = new Unavailable("/echo/",
                "no backend of route '/echo/' is available",
                "'echo0': 1 disabled; 'echo1': 1 disabled");
        for (int i = 0; i < 3; i++) {
            assertThat(routes.registry.acquire("/echo/", KEY)).isEqualTo(expected);
        }
        assertThat(registryLog.messages(Level.WARN)).containsExactly("route=/echo/: " + expected.reason()
                + ": " + expected.detail() + "; refusing connections with 503 until a backend is available");

        routes.clock.advance(DISABLE_TIME.plusSeconds(1));
        routes.tick();
        Acquisition granted = routes.registry.acquire("/echo/", KEY);
        routes.registry.acquire("/echo/", KEY);
        assertThat(granted).isInstanceOf(Lease.class);
        assertThat(registryLog.messages(Level.INFO))
                .containsExactly("route=/echo/: backend 'echo0' is available again");
    }

    @Test
    void aSecondOutageIsLoggedAgain() {
        StaticRoutes routes = new StaticRoutes(echo(BalanceKind.LEAST_CONNECTION, 1));
        for (int outage = 0; outage < 2; outage++) {
            ((Lease) routes.registry.acquire("/echo/", KEY)).connectFailed(new IOException("refused"));
            assertThat(routes.registry.acquire("/echo/", KEY)).isInstanceOf(Unavailable.class);
            routes.clock.advance(DISABLE_TIME.plusSeconds(1));
            routes.tick();
            assertThat(routes.registry.acquire("/echo/", KEY)).isInstanceOf(Lease.class);
        }
        assertThat(registryLog.messages(Level.WARN)).hasSize(2);
        assertThat(registryLog.messages(Level.INFO)).hasSize(2);
    }

    @Test
    void connectedResetsTheFailureCount() {
        StaticRoutes routes = new StaticRoutes(echo(BalanceKind.LEAST_CONNECTION, 1));
        ((Lease) routes.registry.acquire("/echo/", KEY)).connectFailed(new IOException("refused"));
        routes.clock.advance(DISABLE_TIME.plusSeconds(1));
        routes.tick();
        Worker worker = routes.worker("/echo/", 0);
        ((Lease) routes.registry.acquire("/echo/", KEY)).connected();
        assertThat(worker.consecutiveConnectFailures()).isZero();
        assertThat(worker.lastUsed()).isEqualTo(routes.clock.instant());
    }

    @Test
    void staticBackendsOverMaxLoadStillGetConnectionsAndDoNotNudge() {
        StaticRoutes routes = new StaticRoutes(echo(BalanceKind.LEAST_CONNECTION, 1));
        for (int i = 0; i < 5; i++) {
            assertThat(routes.registry.acquire("/echo/", KEY)).isInstanceOf(Lease.class);
        }
        assertThat(routes.worker("/echo/", 0).load()).isEqualTo(5);
        assertThat(routes.nudges).hasValue(0);
    }

    @Test
    void aBackendThatCanGrowNudgesTheSupervisorWhenItsLeastLoadedWorkerGoesOverMaxLoadPerProc() {
        BackendSpec spec = new BackendSpec("php", new BackendAddress.Tcp("127.0.0.1", 9000), DISABLE_TIME,
                Duration.ofSeconds(3), new PoolLimits(1, 4, 2, Duration.ofSeconds(60)), null);
        ManualClock clock = new ManualClock();
        Worker[] workers = {runningWorker(spec, 1, clock), runningWorker(spec, 0, clock)};
        LeaseOwner[] owners = {
            new LeaseOwner(null, workers[0], Runnable::run, clock),
            new LeaseOwner(null, workers[1], Runnable::run, clock),
        };
        AtomicInteger nudges = new AtomicInteger();
        SnapshotRegistry registry = new SnapshotRegistry(
                List.of(new BackendGroup("/php/", BalanceKind.LEAST_CONNECTION, List.of(spec))),
                nudges::incrementAndGet);
        registry.publish(RouteSnapshot.of("/php/", new BackendSnapshot(spec, workers, owners, workers, true, "")));

        List<BackendAddress> addresses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            addresses.add(((Lease) registry.acquire("/php/", KEY)).address());
        }
        assertThat(nudges).as("both workers at max-load-per-proc 2, none over").hasValue(0);
        assertThat(addresses).containsExactly(spec.address().forWorker(1), spec.address().forWorker(0),
                spec.address().forWorker(1), spec.address().forWorker(0));
        assertThat(registry.acquire("/php/", KEY)).isInstanceOf(Lease.class);
        assertThat(nudges).hasValue(1);
        assertThat(workers[0].load()).isEqualTo(3);
    }

    private static Worker runningWorker(BackendSpec spec, int id, ManualClock clock) {
        return new Worker(spec.name(), id, spec.address().forWorker(id), DISABLE_TIME, clock, WorkerState.RUNNING,
                (w, from, to, why) -> { });
    }

    /**
     * Many threads acquire and close at once; releasing below zero would throw inside the worker and the lease owner
     * would log an ERROR, so no ERROR and all-zero loads at the end prove load was never lost or double-released.
     */
    @Test
    void concurrentAcquireAndCloseLeavesEveryLoadAtZero() throws Exception {
        StaticRoutes routes = new StaticRoutes(echo(BalanceKind.LEAST_CONNECTION, 3),
                new BackendGroup("/rr/", BalanceKind.ROUND_ROBIN, List.of(backend("rr0", 9100), backend("rr1", 9101))));
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                String route = t % 2 == 0 ? "/echo/" : "/rr/";
                results.add(threads.submit(() -> {
                    int granted = 0;
                    List<Lease> held = new ArrayList<>();
                    for (int i = 0; i < 10_000; i++) {
                        if (routes.registry.acquire(route, KEY) instanceof Lease lease) {
                            granted++;
                            held.add(lease);
                            assertThat(lease.isReleased()).isFalse();
                        }
                        if (held.size() == 3 || i % 7 == 0) {
                            held.forEach(Lease::close);
                            held.forEach(Lease::close);
                            held.clear();
                        }
                    }
                    held.forEach(Lease::close);
                    return granted;
                }));
            }
            for (Future<Integer> result : results) {
                assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo(10_000);
            }
        } finally {
            threads.shutdownNow();
            assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        for (int i = 0; i < 3; i++) {
            assertThat(routes.worker("/echo/", i).load()).isZero();
        }
        assertThat(routes.worker("/rr/", 0).load()).isZero();
        assertThat(routes.worker("/rr/", 1).load()).isZero();
        assertThat(ownerLog.messages(Level.ERROR)).isEmpty();
    }
}
