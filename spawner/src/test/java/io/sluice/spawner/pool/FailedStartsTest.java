package io.sluice.spawner.pool;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.sluice.spawner.process.ExitStatus;
import io.sluice.spawner.process.SpawnException;
import io.sluice.spawner.registry.Acquisition;
import io.sluice.spawner.registry.Lease;
import io.sluice.spawner.registry.Unavailable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A program that exits at once (a stdin/stdout script given as bin-path) or cannot be spawned: one slot at a time
 * tries it, after a backoff; connections get 503 at once with the reason meanwhile; further slots start only once a
 * worker has run for {@link FailedStarts#PROBATION}.
 */
class FailedStartsTest {

    private PoolFixture fixture;
    private LogCapture log;

    @BeforeEach
    void create() throws IOException {
        fixture = new PoolFixture();
        log = new LogCapture(WorkerRunner.class);
    }

    @AfterEach
    void close() throws IOException {
        log.close();
        fixture.close();
    }

    /** Every launched worker exits with code 0 after 2 ms; runs the exits. */
    private void everyWorkerExitsAfterTwoMillis() {
        fixture.clock.advance(Duration.ofMillis(2));
        fixture.launcher.launches.forEach(l -> l.exits(0));
        fixture.tick();
    }

    private String unavailableReason() {
        return unavailable().reason();
    }

    private Unavailable unavailable() {
        Acquisition acquisition = fixture.acquisition();
        assertThat(acquisition).isInstanceOf(Unavailable.class);
        return (Unavailable) acquisition;
    }

    @Test
    void aProgramThatExitsAtOnceIsRetriedInOneSlotAtATimeNotInEveryMaxProcsSlot() {
        fixture.start(4, 4, 1);
        assertThat(fixture.launcher.launches).hasSize(4);
        everyWorkerExitsAfterTwoMillis();
        fixture.launcher.exitAtOnce(new ExitStatus.Exited(0));

        long mostLive = 0;
        for (int step = 0; step < 600; step++) {
            fixture.clock.advance(Duration.ofMillis(100));
            fixture.tick();
            mostLive = Math.max(mostLive, fixture.live());
        }
        assertThat(mostLive).as("slots tried at once").isEqualTo(1);
        // The backoff of the backend, not of each slot: retries at about 1, 3, 7, 15, 31 s.
        assertThat(fixture.launcher.launches).hasSize(4 + 5);
    }

    @Test
    void whileNoWorkerRunsAndTheRetryBacksOffConnectionsGet503AtOnceWithTheReason() {
        fixture.start(1, 4, 1);
        everyWorkerExitsAfterTwoMillis();

        assertThat(unavailableReason()).isEqualTo("no backend of route '/echo/' is available: worker exits "
                + "at start: exited with code 0 after 2 ms; next try in 1.0 s");
        fixture.clock.advance(Duration.ofMillis(200));
        assertThat(unavailableReason()).endsWith("next try in 800 ms");
        assertThat(fixture.launcher.launches).as("no slot started for the refused connections").hasSize(1);
        assertThat(fixture.nudges).hasValue(0);
    }

    @Test
    void theSnapshotPublishedAtTheExitAlreadyRefusesConnectionsInsteadOfOfferingAFreeSlot() {
        List<Acquisition> atExit = new ArrayList<>();
        fixture.onChange = (worker, from, to, why) -> {
            if (to == WorkerState.DEAD) {
                atExit.add(fixture.acquisition());
            }
        };
        fixture.start(1, 4, 1);
        everyWorkerExitsAfterTwoMillis();

        assertThat(atExit).singleElement().isInstanceOf(Unavailable.class);
        assertThat(fixture.nudges).hasValue(0);
    }

    @Test
    void furtherSlotsStartOnlyOnceAWorkerHasRunForTheProbation() {
        fixture.start(4, 4, 1);
        everyWorkerExitsAfterTwoMillis();

        fixture.clock.advance(Duration.ofSeconds(1));
        fixture.tick();
        assertThat(fixture.launcher.launches).as("one trial").hasSize(5);
        assertThat(fixture.acquisition()).as("the trial runs, so it takes connections").isNotInstanceOf(
                Unavailable.class);
        fixture.clock.advance(FailedStarts.PROBATION.minusMillis(1));
        fixture.tick();
        assertThat(fixture.live()).isEqualTo(1);

        fixture.clock.advance(Duration.ofMillis(1));
        fixture.tick();
        assertThat(fixture.live()).as("the trial has shown it runs: min-procs again").isEqualTo(4);
        assertThat(fixture.launcher.launches).hasSize(8);
    }

    @Test
    void aSlotThatFailsToStartWhileAnotherRunsBacksOffByItsOwnCrashesInARow() {
        fixture.start(2, 2, 1);
        fixture.clock.advance(Duration.ofSeconds(5));
        fixture.tick();
        fixture.launcher.exitAtOnce(new ExitStatus.Exited(1));
        fixture.launcher.last().exits(1);
        fixture.tick();
        List<Duration> delays = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Duration delay = Duration.between(fixture.clock.instant(), fixture.worker(1).restartAt());
            delays.add(delay);
            fixture.clock.advance(delay);
            fixture.tick(); // the retry, which exits at once
            fixture.tick(); // its exit; worker 0 has run all along
        }
        assertThat(delays).extracting(Duration::toSeconds).containsExactly(1L, 2L, 4L, 8L);
        assertThat(fixture.state(0)).isEqualTo(WorkerState.RUNNING);
    }

    @Test
    void anExitAtStartLogsOnceThatFdZeroIsAListeningSocketNotStdin() {
        fixture.start(1, 1, 1);
        fixture.launcher.exitAtOnce(new ExitStatus.Exited(0));
        everyWorkerExitsAfterTwoMillis();
        for (int i = 0; i < 5; i++) {
            fixture.clock.advance(Duration.ofSeconds(10));
            fixture.tick();
            fixture.tick();
        }

        assertThat(log.messages(Level.WARN).get(0)).isEqualTo("worker echo#0 (route /echo/, pid 1000) exited with "
                + "code 0 after 2 ms, at its start (1 failed start in a row); next try in 1.0 s, one worker at a "
                + "time until one has run 1.0 s");
        assertThat(log.messages(Level.WARN).stream().filter(m -> m.contains("fd 0"))).singleElement().asString()
                .contains("backend 'echo' of route '/echo/'", "fd 0 is a listening socket, not stdin",
                        "accept", "instances: per-connection");
        assertThat(log.messages(Level.WARN).get(2)).contains("(2 failed starts in a row); next try in 2.0 s");
    }

    @Test
    void aSpawnFailureHoldsStartsBackAndIsTheReasonOfThe503() {
        fixture.start(0, 4, 1);
        Lease waiting = fixture.acquire();
        fixture.launcher.failNextLaunch(new SpawnException("echo#0", Path.of("/opt/echo"), "EACCES",
                "EACCES (Permission denied)", "check that the file is executable by the sluice user", null));
        fixture.tick();
        assertThat(waiting.ready().toCompletableFuture()).isCompletedExceptionally();
        waiting.close();

        // The binary's path is for the log; the client learns only that the worker cannot be started.
        Unavailable refusal = unavailable();
        assertThat(refusal.reason()).isEqualTo("no backend of route '/echo/' is available: the worker cannot be "
                + "started; next try in 1.0 s");
        assertThat(refusal.detail()).isEqualTo("'echo': worker echo#0: cannot start /opt/echo: EACCES (Permission "
                + "denied); check that the file is executable by the sluice user; next try in 1.0 s");
        fixture.clock.advance(Duration.ofMillis(999));
        fixture.tick();
        assertThat(fixture.launcher.launches).isEmpty();
        fixture.clock.advance(Duration.ofMillis(1));
        fixture.tick();
        assertThat(fixture.launcher.launches).as("the retry after the backoff").hasSize(1);
    }

    @Test
    void aCrashAfterTheProbationIsAnOrdinaryCrashAndTheReasonSaysWhenItRestarts() {
        List<Acquisition> atExit = new ArrayList<>();
        fixture.onChange = (worker, from, to, why) -> {
            if (to == WorkerState.DEAD) {
                atExit.add(fixture.acquisition());
            }
        };
        fixture.start(1, 1, 1);
        fixture.clock.advance(Duration.ofSeconds(5));
        fixture.launcher.last().exits(3);
        fixture.tick();

        assertThat(atExit).as("no connection waits for a backoff").singleElement().isInstanceOf(Unavailable.class);

        Unavailable refusal = unavailable();
        assertThat(refusal.reason()).isEqualTo("no backend of route '/echo/' is available");
        assertThat(refusal.detail()).isEqualTo("'echo': 1 dead, restarting in 1.0 s");
        assertThat(log.messages(Level.WARN)).singleElement().asString().isEqualTo("worker echo#0 (route /echo/, pid "
                + "1000) exited with code 3 after 5.0 s; restarting in 1.0 s");
        fixture.clock.advance(Duration.ofSeconds(1));
        fixture.tick();
        assertThat(fixture.state(0)).isEqualTo(WorkerState.RUNNING);
    }
}
