package io.sluice.spawner.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import io.sluice.spawner.posix.Posix;
import io.sluice.spawner.process.ExitStatus;
import io.sluice.spawner.process.SpawnException;
import io.sluice.spawner.registry.Acquisition;
import io.sluice.spawner.registry.Lease;
import io.sluice.spawner.registry.SelectionKey;
import io.sluice.spawner.registry.SessionRequest;
import io.sluice.spawner.registry.StartFailure;
import io.sluice.spawner.registry.StdioEnd;
import io.sluice.spawner.registry.Unavailable;
import io.sluice.spawner.registry.WorkerOutcome;
import io.sluice.spawner.spec.BackendAddress;
import io.sluice.spawner.spec.BackendSpec;
import io.sluice.spawner.spec.LaunchSpec;
import io.sluice.spawner.spec.PerConnectionSpec;
import io.sluice.spawner.spec.PoolLimits;
import io.sluice.spawner.status.BackendStatus;
import io.sluice.spawner.status.ExitKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The per-connection pool's rules with a fake launcher, a manual clock and the supervisor's queue run by hand: one
 * spawn per session with the session's environment, the place under max-procs held until the reaping, a failed spawn
 * refusing only its session (never retried), an untaken end closed at release, stop-timeout then the ladder, the
 * outcome a session reads, status and stop.
 */
class ProgramPoolTest {
    private static final String ROUTE = "/count/";
    private static final int SIGTERM = 15;
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(3);

    private final ManualClock clock = new ManualClock();
    private final FakeStdioLauncher launcher = new FakeStdioLauncher();
    private final PostedTasks supervisorThread = new PostedTasks();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final List<Lease> leases = new ArrayList<>();
    private final AtomicInteger environmentsBuilt = new AtomicInteger();
    private ProgramPool pool;

    @AfterEach
    void cleanUp() throws Exception {
        leases.forEach(Lease::close);
        launcher.close();
        timer.shutdownNow();
        timer.awaitTermination(5, TimeUnit.SECONDS);
    }

    private ProgramPool pool(int maxProcs) {
        LaunchSpec launch = new LaunchSpec(Path.of("/opt/count"), List.of("count"), Map.of(), Path.of("/"), SIGTERM,
                STOP_TIMEOUT, 16, 0600);
        BackendSpec spec = new BackendSpec("count", new BackendAddress.Stdio(Path.of("/opt/count")),
                Duration.ofSeconds(1), Duration.ofSeconds(8), new PoolLimits(0, maxProcs, 1, Duration.ZERO), launch,
                null, false, new PerConnectionSpec(false));
        pool = new ProgramPool(ROUTE, spec, clock, supervisorThread, supervisorThread, timer, launcher);
        return pool;
    }

    private SessionRequest request(String sessionId) {
        return new SessionRequest(new SelectionKey(ROUTE, "localhost", "127.0.0.1"), sessionId, null, () -> {
            environmentsBuilt.incrementAndGet();
            return List.of(("SLUICE_SESSION_ID=" + sessionId).getBytes(StandardCharsets.UTF_8));
        });
    }

    private Lease lease(String sessionId) {
        Acquisition acquired = pool.acquire(request(sessionId));
        assertThat(acquired).isInstanceOf(Lease.class);
        Lease lease = (Lease) acquired;
        leases.add(lease);
        return lease;
    }

    @Test
    void eachSessionSpawnsItsOwnProgramWithItsEnvironmentOnTheSupervisorThread() throws Exception {
        pool(10);
        Lease first = lease("s-1");
        Lease second = lease("s-2");
        assertThat(first.ready().toCompletableFuture()).isNotDone();
        assertThat(launcher.launches).as("nothing is spawned on the caller's thread").isEmpty();
        assertThat(environmentsBuilt).hasValue(0);

        supervisorThread.runAll();

        assertThat(launcher.launches).hasSize(2);
        assertThat(launcher.launches.get(0).envText()).isEqualTo("SLUICE_SESSION_ID=s-1\n");
        assertThat(launcher.launches.get(1).envText()).isEqualTo("SLUICE_SESSION_ID=s-2\n");
        assertThat(first.ready().toCompletableFuture()).isCompleted();
        assertThat(first.address()).isInstanceOf(BackendAddress.Stdio.class);
        StdioEnd end = first.takeStdio();
        assertThat(end.terminal()).isFalse();
        Posix.close(end.fd());
        assertThatThrownBy(first::takeStdio).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void maxProcsCountsProgramsUntilTheyAreReapedNotSessions() {
        pool(2);
        Lease first = lease("s-1");
        lease("s-2");
        supervisorThread.runAll();

        Acquisition refused = pool.acquire(request("s-3"));
        assertThat(refused).isInstanceOfSatisfying(Unavailable.class, u -> {
            assertThat(u.status()).isEqualTo(503);
            assertThat(u.reason()).isEqualTo("route '/count/': per-connection limit reached (2 programs)");
        });

        first.close();
        assertThat(pool.acquire(request("s-4"))).as("its program still runs").isInstanceOf(Unavailable.class);

        launcher.launches.get(0).exits(0);
        supervisorThread.runAll();
        lease("s-5");
        assertThat(pool.programs()).isEqualTo(2);
    }

    @Test
    void refusalsAtTheLimitAreLoggedOncePerBurstWithTheirCount() {
        pool(1);
        lease("s-1");
        supervisorThread.runAll();
        try (LogCapture log = new LogCapture(ProgramPool.class)) {
            for (int i = 0; i < 50; i++) {
                assertThat(pool.acquire(request("r-" + i))).isInstanceOf(Unavailable.class);
            }
            assertThat(log.messages(Level.WARN)).singleElement().asString()
                    .contains("per-connection limit reached: 1 programs run (max-procs)");
        }
    }

    @Test
    void aProgramThatCannotBeSpawnedFailsOnlyItsSessionOnceAndFreesItsPlace() {
        pool(1);
        launcher.failNextLaunch(new SpawnException("count#1 (route /count/)", Path.of("/opt/count"), "ENOENT",
                "posix_spawn /opt/count: ENOENT (No such file or directory)", "check bin-path", null));
        Lease failed = lease("s-1");
        try (LogCapture log = new LogCapture(ProgramPool.class)) {
            supervisorThread.runAll();
            assertThat(log.messages(Level.WARN)).singleElement().asString()
                    .contains("cannot start /opt/count").contains("ENOENT").contains("check bin-path");
        }

        CompletableFuture<Void> ready = failed.ready().toCompletableFuture();
        assertThat(ready).isCompletedExceptionally();
        assertThatThrownBy(ready::join).hasCauseInstanceOf(StartFailure.class)
                .cause().hasMessage("route /count/: the backend program could not be started");
        assertThat(failed.workerOutcome()).isEqualTo(WorkerOutcome.failed("did not start"));
        assertThat(pool.programs()).isZero();
        lease("s-2");
        supervisorThread.runAll();
        assertThat(launcher.launches).as("the next session tries again, once").hasSize(1);
    }

    @Test
    void aSessionThatLeavesBeforeItsSpawnSpawnsNothing() {
        pool(1);
        lease("s-1").close();
        supervisorThread.runAll();
        assertThat(launcher.launches).isEmpty();
        assertThat(environmentsBuilt).hasValue(0);
        assertThat(pool.programs()).isZero();
    }

    @Test
    void anUntakenEndIsClosedWhenTheLeaseIsReleasedSoTheProgramReadsEndOfFile() throws Exception {
        pool(1);
        Lease lease = lease("s-1");
        supervisorThread.runAll();
        assertThat(launcher.last().sawEndOfFile()).isFalse();
        lease.close();
        assertThat(launcher.last().sawEndOfFile()).isTrue();
        assertThatThrownBy(lease::takeStdio).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aProgramStillRunningStopTimeoutAfterItsSessionGetsTheStopLadder() {
        pool(1);
        Lease lease = lease("s-1");
        supervisorThread.runAll();
        pool.tick(clock.instant());
        lease.close();
        clock.advance(STOP_TIMEOUT.minusMillis(1));
        pool.tick(clock.instant());
        assertThat(launcher.last().signals()).isEmpty();

        clock.advance(Duration.ofMillis(1));
        pool.tick(clock.instant());
        assertThat(launcher.last().signals()).containsExactly(SIGTERM);
        pool.tick(clock.instant());
        assertThat(launcher.last().signals()).as("one ladder").containsExactly(SIGTERM);

        launcher.last().exit().complete(new ExitStatus.Killed(SIGTERM));
        supervisorThread.runAll();
        assertThat(pool.status().exits()).containsEntry(new ExitKey(ExitKey.ExitCause.SIGNAL, "TERM",
                ExitKey.StopStep.KILL_SIGNAL), 1L);
    }

    @Test
    void theSessionReadsItsProgramsOutcome() {
        pool(3);
        Lease clean = lease("s-1");
        Lease failing = lease("s-2");
        Lease crashing = lease("s-3");
        supervisorThread.runAll();
        assertThat(clean.workerOutcome()).isEqualTo(WorkerOutcome.RUNNING);

        launcher.launches.get(0).exits(0);
        launcher.launches.get(1).exits(3);
        launcher.launches.get(2).exit().complete(new ExitStatus.Killed(11));
        assertThat(clean.workerOutcome()).as("before the supervisor heard of it").isEqualTo(WorkerOutcome.ENDED_CLEANLY);
        supervisorThread.runAll();
        assertThat(clean.workerOutcome()).isEqualTo(WorkerOutcome.ENDED_CLEANLY);
        assertThat(failing.workerOutcome()).isEqualTo(WorkerOutcome.failed("exit 3"));
        assertThat(crashing.workerOutcome()).isEqualTo(WorkerOutcome.failed("killed by SIGSEGV"));
    }

    @Test
    void statusShowsTheRunningProgramsSpawnsAndExits() {
        pool(5);
        lease("s-1");
        lease("s-2");
        supervisorThread.runAll();
        launcher.launches.get(0).exits(0);
        supervisorThread.runAll();

        BackendStatus status = pool.status();
        assertThat(status.kind()).isEqualTo(BackendStatus.Kind.PER_CONNECTION);
        assertThat(status.kind().label()).isEqualTo("per-connection");
        assertThat(status.maxProcs()).isEqualTo(5);
        assertThat(status.spawns()).isEqualTo(2);
        assertThat(status.workers()).singleElement().satisfies(w -> {
            assertThat(w.pid()).isEqualTo(launcher.launches.get(1).pid());
            assertThat(w.load()).isEqualTo(1);
        });
        assertThat(status.exits()).containsEntry(new ExitKey(ExitKey.ExitCause.EXIT_0, "", ExitKey.StopStep.NONE),
                1L);
    }

    @Test
    void stopRunsTheLadderOnEveryProgramAndRefusesNewSessions() {
        pool(5);
        lease("s-1");
        lease("s-2");
        supervisorThread.runAll();

        CompletableFuture<Void> stopped = pool.stop();
        assertThat(launcher.launches).allSatisfy(l -> assertThat(l.signals()).containsExactly(SIGTERM));
        assertThat(pool.acquire(request("late"))).isInstanceOfSatisfying(Unavailable.class,
                u -> assertThat(u.reason()).contains("stopping"));
        assertThat(stopped).isNotDone();
        launcher.launches.forEach(l -> l.exit().complete(new ExitStatus.Killed(SIGTERM)));
        supervisorThread.runAll();
        assertThat(stopped).isCompleted();
    }
}
