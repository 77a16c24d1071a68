package io.sluice.spawner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.spawner.pool.ManualClock;
import io.sluice.spawner.registry.Lease;
import io.sluice.spawner.registry.SelectionKey;
import io.sluice.spawner.registry.SessionRequest;
import io.sluice.spawner.registry.Unavailable;
import io.sluice.spawner.spec.BackendAddress;
import io.sluice.spawner.spec.BackendGroup;
import io.sluice.spawner.spec.BackendSpec;
import io.sluice.spawner.spec.BalanceKind;
import io.sluice.spawner.spec.LaunchSpec;
import io.sluice.spawner.spec.PoolLimits;
import java.net.ConnectException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SupervisorTest {
    private static final SessionRequest KEY = new SessionRequest(
            new SelectionKey("/echo/", "example.com", "192.0.2.7"), "s1", null, List::of);
    private static final Duration DISABLE_TIME = Duration.ofSeconds(5);
    private static final BackendSpec ECHO = BackendSpec.existing("echo", new BackendAddress.Tcp("127.0.0.1", 9000),
            DISABLE_TIME, Duration.ofSeconds(3));

    private final ManualClock clock = new ManualClock();
    private Supervisor supervisor = new Supervisor(
            List.of(new BackendGroup("/echo/", BalanceKind.LEAST_CONNECTION, List.of(ECHO))), clock);

    @AfterEach
    void stopSupervisor() {
        supervisor.stop();
    }

    @Test
    void startedSupervisorHandsOutLeasesOnItsBackend() {
        supervisor.start();
        assertThat(supervisor.state()).isEqualTo(SupervisorState.RUNNING);
        assertThat(supervisorThreadAlive()).isTrue();
        try (Lease lease = (Lease) supervisor.registry().acquire("/echo/", KEY)) {
            assertThat(lease.address()).isEqualTo(ECHO.address());
        }
    }

    @Test
    void registryIsUnavailableBeforeStart() {
        assertThat(supervisor.registry().acquire("/echo/", KEY)).isEqualTo(new Unavailable("/echo/",
                "no backend of route '/echo/' is available",
                "the supervisor has not started"));
    }

    @Test
    void startingTwiceSaysWhatTheStateIs() {
        supervisor.start();
        assertThatThrownBy(supervisor::start).isInstanceOf(IllegalStateException.class)
                .hasMessage("supervisor must be NEW to start; currently RUNNING");
    }

    @Test
    void startingAfterStopSaysWhatTheStateIs() {
        supervisor.start();
        supervisor.stop();
        assertThatThrownBy(supervisor::start).hasMessage("supervisor must be NEW to start; currently STOPPED");
    }

    @Test
    void stopIsIdempotentReturnsOnceTheThreadIsGoneAndLeavesNothingAvailable() {
        supervisor.start();
        supervisor.stop();
        supervisor.stop();
        assertThat(supervisor.state()).isEqualTo(SupervisorState.STOPPED);
        assertThat(supervisorThreadAlive()).isFalse();
        assertThat(supervisor.registry().acquire("/echo/", KEY)).isEqualTo(new Unavailable("/echo/",
                "no backend of route '/echo/' is available",
                "'echo': 1 dead"));
    }

    @Test
    void stopBeforeStartGoesStraightToStopped() {
        supervisor.stop();
        assertThat(supervisor.state()).isEqualTo(SupervisorState.STOPPED);
        assertThatThrownBy(supervisor::tickNow).hasMessage("supervisor must be RUNNING to tick; currently STOPPED");
    }

    @Test
    void connectFailureDisablesTheBackendUntilATickAfterDisableTime() {
        supervisor.start();
        ((Lease) supervisor.registry().acquire("/echo/", KEY)).connectFailed(new ConnectException("refused"));
        // Reports are posted to the supervisor thread; a tick queued after it runs after it.
        supervisor.tickNow();
        assertThat(supervisor.registry().acquire("/echo/", KEY)).isEqualTo(new Unavailable("/echo/",
                "no backend of route '/echo/' is available",
                "'echo': 1 disabled"));

        clock.advance(DISABLE_TIME);
        supervisor.tickNow();
        assertThat(supervisor.registry().acquire("/echo/", KEY)).isInstanceOf(Unavailable.class);

        clock.advance(Duration.ofSeconds(1));
        supervisor.tickNow();
        assertThat(supervisor.registry().acquire("/echo/", KEY)).isInstanceOf(Lease.class);
    }

    @Test
    void failedStartRollsBackAndRethrows() {
        LaunchSpec launch = new LaunchSpec(Path.of("/bin/cat"), List.of("cat"), Map.of(), Path.of("/"), 15,
                Duration.ofSeconds(1), 16, 0600);
        BackendSpec spawned = new BackendSpec("cat", new BackendAddress.Tcp("127.0.0.1", 9100), DISABLE_TIME,
                Duration.ofSeconds(3), new PoolLimits(1, 1, 1, Duration.ofSeconds(60)), launch);
        supervisor = new Supervisor(List.of(
                new BackendGroup("/echo/", BalanceKind.LEAST_CONNECTION, List.of(ECHO)),
                new BackendGroup("/cat/", BalanceKind.LEAST_CONNECTION, List.of(spawned))), clock);

        assertThatThrownBy(supervisor::start).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("backend 'cat' of route '/cat/' has bin-path, but this supervisor cannot spawn: it was "
                        + "created without a runtime directory");
        assertThat(supervisor.state()).isEqualTo(SupervisorState.STOPPED);
        assertThat(supervisorThreadAlive()).isFalse();
        assertThat(supervisor.registry().acquire("/echo/", KEY)).isInstanceOf(Unavailable.class);
    }

    private static boolean supervisorThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals(Supervisor.THREAD_NAME) && t.isAlive());
    }
}
