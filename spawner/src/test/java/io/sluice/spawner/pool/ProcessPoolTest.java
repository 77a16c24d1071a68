package io.sluice.spawner.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import io.sluice.spawner.process.ExitStatus;
import io.sluice.spawner.process.ListenSocket;
import io.sluice.spawner.process.SpawnException;
import io.sluice.spawner.registry.Acquisition;
import io.sluice.spawner.registry.Lease;
import io.sluice.spawner.registry.SelectionKey;
import io.sluice.spawner.registry.SessionRequest;
import io.sluice.spawner.registry.Unavailable;
import io.sluice.spawner.registry.WorkerOutcome;
import io.sluice.spawner.spec.BackendAddress;
import io.sluice.spawner.spec.BackendGroup;
import io.sluice.spawner.spec.BackendSpec;
import io.sluice.spawner.spec.BalanceKind;
import io.sluice.spawner.spec.LaunchSpec;
import io.sluice.spawner.spec.PoolLimits;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The pool rules, driven by a fake launcher and a manual clock; real listening sockets in a temp directory. */
class ProcessPoolTest {

    private static final String ROUTE = "/echo/";
    private static final SessionRequest KEY = new SessionRequest(
            new SelectionKey("/echo/", "example.com", "192.0.2.7"), "s1", null, List::of);
    private static final Duration DISABLE_TIME = Duration.ofSeconds(2);
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);
    private static final int SIGTERM = 15;

    private final ManualClock clock = new ManualClock();
    private final FakeLauncher launcher = new FakeLauncher();
    private final PostedTasks supervisorThread = new PostedTasks();
    private final AtomicInteger nudges = new AtomicInteger();
    private ScheduledExecutorService timer;
    private Path dir;
    private SnapshotRegistry registry;
    private ProcessPool pool;
    private final List<Lease> leases = new ArrayList<>();

    @BeforeEach
    void createDirectory() throws IOException {
        dir = Files.createTempDirectory(Path.of("/tmp"), "sluice");
        timer = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void stopPoolAndCleanUp() throws IOException {
        leases.forEach(Lease::close);
        if (pool != null) {
            var stopped = pool.stop();
            launcher.launches.forEach(l -> l.killedBy(SIGTERM));
            supervisorThread.runAll();
            assertThat(stopped).isCompleted();
        }
        timer.shutdownNow();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).as("socket files left behind").isEmpty();
        }
        Files.delete(dir);
    }

    private BackendSpec spec(int minProcs, int maxProcs, int maxLoadPerProc) {
        LaunchSpec launch = new LaunchSpec(Path.of("/opt/echo"), List.of("echo-backend"), Map.of(), Path.of("/"),
                SIGTERM, Duration.ofSeconds(30), 16, 0600);
        return new BackendSpec("echo", new BackendAddress.UnixPath(dir.resolve("echo.sock")), DISABLE_TIME,
                Duration.ofSeconds(8), new PoolLimits(minProcs, maxProcs, maxLoadPerProc, IDLE_TIMEOUT), launch);
    }

    private void startPool(int minProcs, int maxProcs, int maxLoadPerProc) {
        pool = newPool(spec(minProcs, maxProcs, maxLoadPerProc));
        pool.start();
        publish();
    }

    private ProcessPool newPool(BackendSpec spec) {
        registry = new SnapshotRegistry(List.of(new BackendGroup(ROUTE, BalanceKind.LEAST_CONNECTION, List.of(spec))),
                nudges::incrementAndGet);
        // No jitter: the random source always answers the middle of its range.
        return new ProcessPool(ROUTE, spec, clock, supervisorThread, timer, (w, from, to, why) -> publish(), launcher,
                new RestartBackoff(() -> 0.5));
    }

    private void publish() {
        if (pool != null) {
            registry.publish(RouteSnapshot.of(ROUTE, List.of(pool)));
        }
    }

    private void tick() {
        supervisorThread.runAll();
        pool.tick(clock.instant());
        publish();
    }

    private Lease acquire() {
        Acquisition acquisition = registry.acquire(ROUTE, KEY);
        assertThat(acquisition).isInstanceOf(Lease.class);
        leases.add((Lease) acquisition);
        return (Lease) acquisition;
    }

    private static Throwable failureOf(CompletableFuture<?> future) {
        try {
            future.join();
        } catch (CompletionException e) {
            return e.getCause();
        }
        throw new AssertionError("completed normally");
    }

    private WorkerState state(int id) {
        return pool.worker(id).state();
    }

    @Test
    void startSpawnsMinProcsWorkersEachOnItsOwnSocketWithRouteAndIdInTheEnvironment() {
        startPool(2, 4, 1);

        assertThat(launcher.names()).containsExactly("echo#0 (route /echo/)", "echo#1 (route /echo/)");
        assertThat(launcher.launches.get(1).extraEnv())
                .isEqualTo(Map.of("SLUICE_ROUTE", ROUTE, "SLUICE_WORKER_ID", "1"));
        assertThat(launcher.launches.get(1).socket().address())
                .isEqualTo(new BackendAddress.UnixPath(dir.resolve("echo.sock-1")));
        assertThat(dir.resolve("echo.sock-0")).exists();
        assertThat(state(0)).isEqualTo(WorkerState.RUNNING);
        assertThat(state(2)).isEqualTo(WorkerState.DEAD);
        Lease lease = acquire();
        assertThat(lease.ready().toCompletableFuture()).isCompleted();
        assertThat(lease.address()).isEqualTo(new BackendAddress.UnixPath(dir.resolve("echo.sock-1")));
    }

    @Test
    void spawnsOneWorkerPerTickWhenEveryRunningWorkerIsOverMaxLoadAndNeverMoreThanMaxProcs() {
        startPool(1, 3, 1);
        acquire();
        assertThat(nudges).as("load 1 is not above max-load-per-proc 1").hasValue(0);
        acquire();
        assertThat(nudges).hasValue(1);

        tick();
        assertThat(launcher.names()).containsExactly("echo#0 (route /echo/)", "echo#1 (route /echo/)");
        tick();
        assertThat(launcher.launches).as("the new worker has load 0").hasSize(2);

        for (int i = 0; i < 4; i++) {
            acquire();
        }
        assertThat(pool.worker(0).load()).isEqualTo(3);
        assertThat(pool.worker(1).load()).isEqualTo(3);
        tick();
        tick();
        assertThat(launcher.names()).containsExactly("echo#0 (route /echo/)", "echo#1 (route /echo/)", "echo#2 (route /echo/)");

        for (int i = 0; i < 9; i++) {
            acquire();
        }
        tick();
        tick();
        assertThat(launcher.launches).as("max-procs 3").hasSize(3);
    }

    @Test
    void stopsOneIdleWorkerPerTickDownToMinProcs() {
        startPool(1, 3, 0);
        acquire();
        tick();
        acquire();
        tick();
        assertThat(launcher.launches).hasSize(3);
        leases.forEach(Lease::close);

        clock.advance(IDLE_TIMEOUT.minusSeconds(1));
        tick();
        assertThat(launcher.launches.stream().filter(l -> !l.signals().isEmpty())).isEmpty();

        clock.advance(Duration.ofSeconds(1));
        tick();
        assertThat(launcher.launches.get(2).signals()).as("newest first").containsExactly(SIGTERM);
        assertThat(state(2)).isEqualTo(WorkerState.STOPPING);
        assertThat(launcher.launches.get(1).signals()).isEmpty();

        tick();
        assertThat(launcher.launches.get(1).signals()).containsExactly(SIGTERM);
        launcher.launches.get(1).exits(0);
        launcher.launches.get(2).killedBy(SIGTERM);
        tick();
        tick();
        assertThat(launcher.launches.get(0).signals()).as("min-procs 1").isEmpty();
        assertThat(List.of(state(0), state(1), state(2)))
                .containsExactly(WorkerState.RUNNING, WorkerState.DEAD, WorkerState.DEAD);
        assertThat(dir.resolve("echo.sock-2")).doesNotExist();
        assertThat(launcher.launches).as("an idle-stopped worker is not restarted").hasSize(3);
    }

    @Test
    void reEnablesADisabledWorkerOnTheFirstTickAfterDisableTime() {
        startPool(1, 1, 1);
        acquire().connectFailed(new ConnectException("Connection refused"));
        supervisorThread.runAll();
        assertThat(state(0)).isEqualTo(WorkerState.DISABLED);

        clock.advance(DISABLE_TIME);
        tick();
        assertThat(state(0)).isEqualTo(WorkerState.DISABLED);
        clock.advance(Duration.ofSeconds(1));
        tick();
        assertThat(state(0)).isEqualTo(WorkerState.RUNNING);
        assertThat(launcher.launches).hasSize(1);
    }

    @Test
    void doesNotRestartACrashedWorkerWhileConnectionsStillHoldLoadOnIt() {
        startPool(1, 1, 1);
        Lease lease = acquire();
        launcher.last().exits(3);
        tick();
        assertThat(lease.workerOutcome()).isEqualTo(WorkerOutcome.failed("exit 3"));
        assertThat(state(0)).isEqualTo(WorkerState.DEAD);

        clock.advance(Duration.ofSeconds(5));
        tick();
        assertThat(launcher.launches).hasSize(1);

        lease.close();
        tick();
        assertThat(launcher.launches).hasSize(2);
        assertThat(state(0)).isEqualTo(WorkerState.RUNNING);
    }

    @Test
    void restartBackoffDoublesFromOneSecondToSixtyAndResetsAfterThirtySecondsHealthy() {
        try (LogCapture log = new LogCapture(WorkerRunner.class)) {
            startPool(1, 1, 1);
            List<Duration> delays = new ArrayList<>();
            for (int crash = 0; crash < 8; crash++) {
                clock.advance(Duration.ofMillis(12));
                launcher.last().exits(1);
                tick();
                Instant died = clock.instant();
                delays.add(Duration.between(died, pool.worker(0).restartAt()));
                clock.advance(Duration.between(died, pool.worker(0).restartAt()).minusMillis(1));
                tick();
                assertThat(state(0)).as("not before its backoff").isEqualTo(WorkerState.DEAD);
                clock.advance(Duration.ofMillis(1));
                tick();
                assertThat(state(0)).isEqualTo(WorkerState.RUNNING);
            }
            assertThat(delays).extracting(Duration::toSeconds).containsExactly(1L, 2L, 4L, 8L, 16L, 32L, 60L, 60L);
            assertThat(exitLines(log).get(1))
                    .isEqualTo("worker echo#0 (route /echo/, pid 1001) exited with code 1 after 12 ms, at its start "
                            + "(2 failed starts in a row); next try in 2.0 s, one worker at a time until one has "
                            + "run 1.0 s");

            clock.advance(Duration.ofSeconds(30));
            launcher.last().exits(1);
            tick();
            assertThat(Duration.between(clock.instant(), pool.worker(0).restartAt())).isEqualTo(Duration.ofSeconds(1));
            assertThat(exitLines(log).get(8)).endsWith("after 30.0 s; restarting in 1.0 s");
        }
    }

    private static List<String> exitLines(LogCapture log) {
        return log.messages(Level.WARN).stream().filter(m -> m.startsWith("worker echo#0")).toList();
    }

    @Test
    void jitterSpreadsEachRestartByAtMostTwentyPercent() {
        assertThat(new RestartBackoff(() -> 0.0).delay(3)).isEqualTo(Duration.ofMillis(3200));
        assertThat(new RestartBackoff(() -> 0.999_999).delay(3)).isEqualTo(Duration.ofMillis(4800));
        assertThat(new RestartBackoff(() -> 0.0).delay(20)).isEqualTo(Duration.ofSeconds(48));
    }

    /**
     * A backend that exits at once must not make the supervisor spin: over a simulated minute of ticks ten times a
     * second the launches follow the backoff (t = 0, 1, 3, 7, 15, 31 s), not the tick rate.
     */
    @Test
    void aBackendThatExitsAtOnceIsLaunchedABoundedNumberOfTimesPerMinute() {
        startPool(1, 1, 1);
        launcher.exitAtOnce(new ExitStatus.Exited(1));
        launcher.last().exits(1);
        for (int i = 0; i < 600; i++) {
            tick();
            clock.advance(Duration.ofMillis(100));
        }
        assertThat(launcher.launches).hasSize(6);
    }

    @Test
    void minProcsZeroStartsNothingThenSpawnsForTheFirstConnectionWhoseLeaseBecomesReady() {
        startPool(0, 2, 1);
        assertThat(launcher.launches).isEmpty();
        assertThat(dir.resolve("echo.sock-0")).doesNotExist();

        Lease lease = acquire();
        assertThat(lease.address()).isEqualTo(new BackendAddress.UnixPath(dir.resolve("echo.sock-0")));
        assertThat(lease.ready().toCompletableFuture()).isNotDone();
        assertThat(nudges).hasValue(1);

        tick();
        assertThat(launcher.names()).containsExactly("echo#0 (route /echo/)");
        assertThat(lease.ready().toCompletableFuture()).isCompleted();
        assertThat(dir.resolve("echo.sock-0")).exists();
        assertThat(pool.worker(0).load()).isEqualTo(1);
    }

    @Test
    void aConnectionWaitingForAnOnDemandStartFailsWhenTheSpawnFails() {
        startPool(0, 1, 1);
        Lease lease = acquire();
        launcher.failNextLaunch(new SpawnException("echo#0", Path.of("/opt/echo"), "ENOENT",
                "ENOENT (No such file or directory)", "check bin-path", null));
        tick();
        assertThat(lease.ready().toCompletableFuture()).isCompletedExceptionally();
        assertThat(failureOf(lease.ready().toCompletableFuture())).isInstanceOf(WorkerStartException.class)
                .hasMessage("route '/echo/' backend 'echo': worker echo#0: cannot start /opt/echo: ENOENT (No such "
                        + "file or directory); check bin-path");
        assertThat(dir.resolve("echo.sock-0")).doesNotExist();
    }

    @Test
    void restartsAWorkerThatRefusedThreeConnectionsInARowThroughTheStopLadder() {
        startPool(1, 1, 1);
        for (int refusal = 1; refusal <= 3; refusal++) {
            acquire().connectFailed(new ConnectException("Connection refused"));
            supervisorThread.runAll();
            if (refusal < 3) {
                assertThat(state(0)).isEqualTo(WorkerState.DISABLED);
                clock.advance(DISABLE_TIME.plusSeconds(1));
                tick();
                assertThat(state(0)).isEqualTo(WorkerState.RUNNING);
            }
        }
        assertThat(state(0)).isEqualTo(WorkerState.STOPPING);
        assertThat(launcher.last().signals()).containsExactly(SIGTERM);

        launcher.last().killedBy(SIGTERM);
        tick();
        assertThat(launcher.launches).hasSize(2);
        assertThat(state(0)).isEqualTo(WorkerState.RUNNING);
        assertThat(pool.worker(0).consecutiveConnectFailures()).isZero();
    }

    @Test
    void startFailsNamingBackendWorkerAndPathWhenAnotherProcessListensOnTheSocket() throws IOException {
        try (ListenSocket squatter = ListenSocket.unix(dir.resolve("echo.sock-0"), 4, 0600)) {
            pool = newPool(spec(1, 1, 1));
            assertThatThrownBy(pool::start).isInstanceOf(WorkerStartException.class)
                    .hasMessage("route '/echo/' backend 'echo': worker echo#0: cannot listen on %s: another process "
                            + "is listening on %s; refusing to take it over", dir.resolve("echo.sock-0"),
                            dir.resolve("echo.sock-0"));
            assertThat(launcher.launches).isEmpty();
        }
    }

    @Test
    void exitZeroReadsAsEndedCleanlyAndRemovesTheSocketFile() {
        startPool(1, 1, 1);
        Lease lease = acquire();
        launcher.last().exits(0);
        tick();
        assertThat(lease.workerOutcome()).isEqualTo(WorkerOutcome.ENDED_CLEANLY);
        assertThat(dir.resolve("echo.sock-0")).doesNotExist();
    }

    @Test
    void stopRunsTheLadderOnEveryWorkerAndCompletesOnceAllAreReaped() {
        startPool(2, 3, 1);
        var stopped = pool.stop();
        assertThat(launcher.launches).allSatisfy(l -> assertThat(l.signals()).containsExactly(SIGTERM));
        assertThat(stopped).isNotDone();
        launcher.launches.get(0).exits(0);
        supervisorThread.runAll();
        assertThat(stopped).isNotDone();
        launcher.launches.get(1).killedBy(SIGTERM);
        supervisorThread.runAll();
        assertThat(stopped).isCompleted();
        assertThat(registry.acquire(ROUTE, KEY)).isInstanceOf(Unavailable.class);
        tick();
        assertThat(launcher.launches).as("nothing starts after stop").hasSize(2);
    }
}
