package io.sluice.spawner.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.spawner.spec.BalanceKind;
import io.sluice.spawner.registry.Acquisition;
import io.sluice.spawner.registry.Lease;
import io.sluice.spawner.registry.SelectionKey;
import io.sluice.spawner.registry.SessionRequest;
import io.sluice.spawner.spec.BackendAddress;
import io.sluice.spawner.spec.BackendGroup;
import io.sluice.spawner.spec.BackendSpec;
import io.sluice.spawner.spec.LaunchSpec;
import io.sluice.spawner.spec.PoolLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * One spawned backend's pool as the supervisor wires it, driven by hand: a {@link FakeLauncher}, a {@link ManualClock},
 * posted tasks run by {@link #tick()}, real listening sockets in a temp directory under /tmp. A test may hook into
 * state changes ({@link #onChange}) to act "between" two steps of the supervisor thread, as an event loop would.
 * Test thread only; {@link #close()} stops the pool and checks that no socket file is left.
 */
final class PoolFixture implements AutoCloseable {

    static final String ROUTE = "/echo/";
    static final SessionRequest KEY = new SessionRequest(
            new SelectionKey("/echo/", "example.com", "192.0.2.7"), "s1", null, List::of);
    static final Duration DISABLE_TIME = Duration.ofSeconds(2);
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);
    static final int SIGTERM = 15;

    final ManualClock clock = new ManualClock();
    final FakeLauncher launcher = new FakeLauncher();
    final PostedTasks supervisorThread = new PostedTasks();
    final AtomicInteger nudges = new AtomicInteger();
    final List<Lease> leases = new ArrayList<>();
    final Path dir;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    SnapshotRegistry registry;
    ProcessPool pool;
    /** Called after each state change and its snapshot publication, on the supervisor thread. */
    WorkerListener onChange = (worker, from, to, why) -> { };
    /** False holds the last published snapshot, as an event loop still reading it would see. */
    boolean publishing = true;

    PoolFixture() throws IOException {
        dir = Files.createTempDirectory(Path.of("/tmp"), "sluice");
    }

    BackendSpec spec(PoolLimits limits) {
        LaunchSpec launch = new LaunchSpec(Path.of("/opt/echo"), List.of("echo-backend"), Map.of(), Path.of("/"),
                SIGTERM, Duration.ofSeconds(30), 16, 0600);
        return new BackendSpec("echo", new BackendAddress.UnixPath(dir.resolve("echo.sock")), DISABLE_TIME,
                Duration.ofSeconds(8), limits, launch);
    }

    /** Starts a pool with {@code min-procs}, {@code max-procs}, {@code max-load-per-proc} and the idle timeout. */
    PoolFixture start(int minProcs, int maxProcs, int maxLoadPerProc) {
        return start(new PoolLimits(minProcs, maxProcs, maxLoadPerProc, IDLE_TIMEOUT));
    }

    PoolFixture start(PoolLimits limits) {
        BackendSpec spec = spec(limits);
        registry = new SnapshotRegistry(List.of(new BackendGroup(ROUTE, BalanceKind.LEAST_CONNECTION, List.of(spec))),
                nudges::incrementAndGet);
        // No jitter: the random source always answers the middle of its range.
        pool = new ProcessPool(ROUTE, spec, clock, supervisorThread, timer, (w, from, to, why) -> {
            publish();
            onChange.stateChanged(w, from, to, why);
        }, launcher, new RestartBackoff(() -> 0.5));
        pool.start();
        publish();
        return this;
    }

    void publish() {
        if (pool != null && publishing) {
            registry.publish(RouteSnapshot.of(ROUTE, List.of(pool)));
        }
    }

    /** Runs what was posted to the supervisor thread, one tick at the clock's time, and publishes (as the supervisor). */
    void tick() {
        supervisorThread.runAll();
        pool.tick(clock.instant());
        publish();
    }

    Acquisition acquisition() {
        Acquisition acquisition = registry.acquire(ROUTE, KEY);
        if (acquisition instanceof Lease lease) {
            leases.add(lease);
        }
        return acquisition;
    }

    Lease acquire() {
        Acquisition acquisition = acquisition();
        assertThat(acquisition).isInstanceOf(Lease.class);
        return (Lease) acquisition;
    }

    Worker worker(int id) {
        return pool.worker(id);
    }

    WorkerState state(int id) {
        return pool.worker(id).state();
    }

    /** How many workers are STARTING, RUNNING or DISABLED. */
    long live() {
        return pool.workers().stream().filter(w -> w.state() == WorkerState.STARTING
                || w.state() == WorkerState.RUNNING || w.state() == WorkerState.DISABLED).count();
    }

    @Override
    public void close() throws IOException {
        leases.forEach(Lease::close);
        try {
            if (pool != null) {
                var stopped = pool.stop();
                launcher.launches.forEach(l -> l.killedBy(SIGTERM));
                supervisorThread.runAll();
                assertThat(stopped).isCompleted();
            }
        } finally {
            timer.shutdownNow();
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).as("socket files left behind").isEmpty();
        }
        Files.delete(dir);
    }
}
