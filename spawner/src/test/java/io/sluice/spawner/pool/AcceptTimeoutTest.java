package io.sluice.spawner.pool;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.sluice.spawner.registry.Lease;
import io.sluice.spawner.registry.WorkerOutcome;
import io.sluice.spawner.spec.PoolLimits;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code accept-timeout} with real listening sockets whose queue the kernel reports: the fake launcher starts no
 * process, so nothing ever accepts and connections the test makes stay queued, as with a hung worker.
 */
class AcceptTimeoutTest {

    private PoolFixture fixture;
    private final List<SocketChannel> queued = new ArrayList<>();

    @BeforeEach
    void create() throws IOException {
        fixture = new PoolFixture();
    }

    @AfterEach
    void close() throws IOException {
        for (SocketChannel channel : queued) {
            channel.close();
        }
        fixture.close();
    }

    private void queueConnections(int worker, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            queued.add(SocketChannel.open(UnixDomainSocketAddress.of(fixture.dir.resolve("echo.sock-" + worker))));
        }
    }

    private void tickEverySecondFor(Duration span) {
        for (long s = 0; s < span.toSeconds(); s++) {
            fixture.clock.advance(Duration.ofSeconds(1));
            fixture.tick();
        }
    }

    @Test
    void aWorkerWhoseQueueDoesNotDrainIsRestartedThroughTheLadderAndItsExitIsAFailure() throws IOException {
        fixture.start(new PoolLimits(1, 1, 1, PoolFixture.IDLE_TIMEOUT, Duration.ofSeconds(5)));
        Lease lease = fixture.acquire();
        queueConnections(0, 2);
        fixture.tick();

        try (LogCapture log = new LogCapture(ProcessPool.class)) {
            tickEverySecondFor(Duration.ofSeconds(4));
            assertThat(fixture.state(0)).isEqualTo(WorkerState.RUNNING);
            tickEverySecondFor(Duration.ofSeconds(1));

            assertThat(fixture.state(0)).isEqualTo(WorkerState.STOPPING);
            assertThat(fixture.launcher.last().signals()).containsExactly(PoolFixture.SIGTERM);
            assertThat(log.messages(Level.WARN)).singleElement().asString().isEqualTo("route=/echo/ backend=echo "
                    + "worker echo#0: hung: its accept queue did not drain for accept-timeout 5.0 s (2 connections "
                    + "waited 5.0 s, never fewer); restarting it");
        }
        // It handles TERM and exits 0, but a hung worker failed: its sessions must end as after a crash.
        fixture.launcher.last().exits(0);
        fixture.tick();
        assertThat(lease.workerOutcome()).isEqualTo(WorkerOutcome.failed("hung"));
        lease.close(); // the session ends, as the tunnel closes it on the worker's failure
        fixture.tick();
        assertThat(fixture.state(0)).as("restarted at once").isEqualTo(WorkerState.RUNNING);
        assertThat(fixture.launcher.launches).hasSize(2);
    }

    @Test
    void aQueueThatEmptiesIsNotHungAndZeroTurnsTheCheckOff() throws IOException {
        fixture.start(new PoolLimits(1, 1, 1, PoolFixture.IDLE_TIMEOUT, Duration.ZERO));
        queueConnections(0, 1);
        tickEverySecondFor(Duration.ofSeconds(60));
        assertThat(fixture.state(0)).isEqualTo(WorkerState.RUNNING);
    }

    @Test
    void aWorkerWithNothingQueuedIsNeverHung() {
        fixture.start(new PoolLimits(1, 1, 1, PoolFixture.IDLE_TIMEOUT, Duration.ofSeconds(2)));
        tickEverySecondFor(Duration.ofSeconds(30));
        assertThat(fixture.state(0)).isEqualTo(WorkerState.RUNNING);
    }

    @Test
    void demandTicksInBetweenDoNotShortenTheWindow() throws IOException {
        fixture.start(new PoolLimits(1, 1, 1, PoolFixture.IDLE_TIMEOUT, Duration.ofSeconds(3)));
        queueConnections(0, 1);
        fixture.tick();
        for (int i = 0; i < 25; i++) {
            fixture.clock.advance(Duration.ofMillis(100));
            fixture.tick();
        }
        assertThat(fixture.state(0)).as("2.5 s < accept-timeout 3 s").isEqualTo(WorkerState.RUNNING);
        tickEverySecondFor(Duration.ofSeconds(1));
        assertThat(fixture.state(0)).isEqualTo(WorkerState.STOPPING);
    }
}
