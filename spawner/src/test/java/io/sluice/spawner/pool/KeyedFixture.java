package io.sluice.spawner.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.spawner.process.Credentials;
import io.sluice.spawner.registry.Acquisition;
import io.sluice.spawner.registry.Lease;
import io.sluice.spawner.registry.SelectionKey;
import io.sluice.spawner.registry.SessionRequest;
import io.sluice.spawner.spec.BackendAddress;
import io.sluice.spawner.spec.BackendGroup;
import io.sluice.spawner.spec.BackendSpec;
import io.sluice.spawner.spec.BalanceKind;
import io.sluice.spawner.spec.LaunchSpec;
import io.sluice.spawner.spec.PerKeySpec;
import io.sluice.spawner.spec.PoolLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Stream;

/**
 * One per-key backend as the supervisor wires it, driven by hand: a {@link FakeLauncher}, a {@link ManualClock},
 * posted tasks (start requests, exits, refusal reports) run by {@link #run()} or {@link #tick()}, real listening
 * sockets in a temp directory under /tmp. Test thread only; {@link #close()} stops the backend and checks that no socket file
 * is left.
 */
final class KeyedFixture implements AutoCloseable {

    static final String ROUTE = "/sandbox/";
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);
    static final int SIGTERM = 15;

    final ManualClock clock = new ManualClock();
    final FakeLauncher launcher = new FakeLauncher();
    final PostedTasks supervisorThread = new PostedTasks();
    final List<Lease> leases = new ArrayList<>();
    final Path dir;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    SnapshotRegistry registry;
    KeyedPool pool;
    private int sessions;

    KeyedFixture() throws IOException {
        dir = Files.createTempDirectory(Path.of("/tmp"), "sluice");
    }

    BackendSpec spec(int maxKeys, PerKeySpec perKey) {
        LaunchSpec launch = new LaunchSpec(Path.of("/opt/sandbox"), List.of("sandbox"), Map.of(), Path.of("/"),
                SIGTERM, Duration.ofSeconds(30), 16, 0600);
        return new BackendSpec("sandbox", new BackendAddress.UnixPath(dir.resolve("sandbox.sock")),
                Duration.ofSeconds(1), Duration.ofSeconds(8), new PoolLimits(0, maxKeys, 1, IDLE_TIMEOUT), launch,
                perKey, false);
    }

    KeyedFixture start(int maxKeys, PerKeySpec perKey) {
        BackendSpec spec = spec(maxKeys, perKey);
        registry = new SnapshotRegistry(List.of(new BackendGroup(ROUTE, BalanceKind.LEAST_CONNECTION, List.of(spec))),
                () -> { });
        pool = new KeyedPool(ROUTE, spec, clock, supervisorThread, timer, (w, from, to, why) -> { }, launcher,
                new RestartBackoff(() -> 0.5), Credentials.resolve(spec.launch().confinement(), 4242, 4242));
        pool.start();
        registry.publish(RouteSnapshot.of(ROUTE, List.of(pool)));
        return this;
    }

    KeyedFixture start(int maxKeys) {
        return start(maxKeys, new PerKeySpec(0, Duration.ZERO, Duration.ofSeconds(10), null, false));
    }

    Acquisition acquisition(String key) {
        Acquisition acquisition = registry.acquire(ROUTE, new SessionRequest(
                new SelectionKey(ROUTE + key, "example.com", "192.0.2.7"), "s" + ++sessions, key, List::of));
        if (acquisition instanceof Lease lease) {
            leases.add(lease);
        }
        return acquisition;
    }

    Lease acquire(String key) {
        Acquisition acquisition = acquisition(key);
        assertThat(acquisition).isInstanceOf(Lease.class);
        return (Lease) acquisition;
    }

    /** Runs what was posted to the supervisor thread (start requests, exits). */
    void run() {
        supervisorThread.runAll();
    }

    /** Runs the posted tasks and one tick at the clock's time. */
    void tick() {
        supervisorThread.runAll();
        pool.tick(clock.instant());
    }

    @Override
    public void close() throws IOException {
        leases.forEach(Lease::close);
        try {
            if (pool != null) {
                supervisorThread.runAll();
                var stopped = pool.stop();
                launcher.launches.forEach(l -> l.killedBy(SIGTERM));
                supervisorThread.runAll();
                assertThat(stopped).isCompleted();
            }
        } finally {
            timer.shutdownNow();
        }
        try (Stream<Path> left = Files.walk(dir)) {
            assertThat(left.filter(p -> !Files.isDirectory(p)).toList()).as("files left behind").isEmpty();
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
