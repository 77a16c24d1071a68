package io.sluice.spawner.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.spawner.spec.BackendAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkerTest {

    private final ManualClock clock = new ManualClock();
    private final List<String> changes = new ArrayList<>();

    private Worker worker(WorkerState initial) {
        return new Worker("php", 2, new BackendAddress.Tcp("127.0.0.1", 9002), Duration.ofSeconds(5), clock, initial,
                (w, from, to, why) -> changes.add(w.name() + " " + from + "->" + to + " " + why));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "STARTING, STARTING", "STARTING, DISABLED",
        "RUNNING, RUNNING", "RUNNING, STARTING",
        "DISABLED, DISABLED", "DISABLED, STARTING",
        "STOPPING, RUNNING", "STOPPING, STARTING", "STOPPING, DISABLED", "STOPPING, STOPPING",
        "DEAD, RUNNING", "DEAD, DISABLED", "DEAD, STOPPING", "DEAD, DEAD",
    })
    void refusesIllegalEdges(WorkerState from, WorkerState to) {
        assertThat(from.canMoveTo(to)).isFalse();
    }

    @Test
    void illegalMoveThrowsNamingWorkerAndBothStates() {
        Worker worker = worker(WorkerState.RUNNING);
        worker.moveTo(WorkerState.STOPPING, "test");
        assertThatThrownBy(() -> worker.moveTo(WorkerState.STARTING, "test"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("worker php#2: cannot move STOPPING -> STARTING");
        assertThat(worker.state()).isEqualTo(WorkerState.STOPPING);
    }

    @Test
    void disabledUntilIsHeldOnlyWhileDisabled() {
        Worker worker = worker(WorkerState.RUNNING);
        assertThat(worker.disabledUntil()).isNull();
        worker.moveTo(WorkerState.DISABLED, "connect failed");
        assertThat(worker.disabledUntil()).isEqualTo(clock.instant().plusSeconds(5));
        worker.moveTo(WorkerState.RUNNING, "re-enabled");
        assertThat(worker.disabledUntil()).isNull();
        worker.moveTo(WorkerState.DISABLED, "connect failed");
        worker.moveTo(WorkerState.STOPPING, "stop");
        assertThat(worker.disabledUntil()).isNull();
    }

    @Test
    void everyMoveTellsTheListenerWithTheReason() {
        Worker worker = worker(WorkerState.STARTING);
        worker.moveTo(WorkerState.RUNNING, "accepting");
        worker.moveTo(WorkerState.DISABLED, "connect failed");
        assertThat(changes)
                .containsExactly("php#2 STARTING->RUNNING accepting", "php#2 RUNNING->DISABLED connect failed");
    }

    @Test
    void aFailingListenerDoesNotUndoTheMove() {
        Worker worker = new Worker("php", 1, new BackendAddress.Tcp("127.0.0.1", 9001), Duration.ofSeconds(5), clock,
                WorkerState.RUNNING, (w, from, to, why) -> {
                    throw new IllegalStateException("listener broke");
                });
        worker.moveTo(WorkerState.DISABLED, "connect failed");
        assertThat(worker.state()).isEqualTo(WorkerState.DISABLED);
    }

    @Test
    void cannotBeCreatedStoppingOrDisabled() {
        assertThatThrownBy(() -> worker(WorkerState.STOPPING)).hasMessage("worker php#2: cannot be created STOPPING");
        assertThatThrownBy(() -> worker(WorkerState.DISABLED)).hasMessage("worker php#2: cannot be created DISABLED");
    }

    @Test
    void loadNeverGoesBelowZero() {
        Worker worker = worker(WorkerState.RUNNING);
        assertThat(worker.acquireLoad()).isEqualTo(1);
        worker.releaseLoad(clock.instant());
        assertThatThrownBy(() -> worker.releaseLoad(clock.instant()))
                .hasMessage("worker php#2: load released below 0");
        assertThat(worker.load()).isZero();
    }

    @Test
    void connectingResetsTheFailureCountAndMarksUse() {
        Worker worker = worker(WorkerState.RUNNING);
        worker.countConnectFailure();
        worker.countConnectFailure();
        clock.advance(Duration.ofSeconds(3));
        worker.connected(clock.instant());
        assertThat(worker.consecutiveConnectFailures()).isZero();
        assertThat(worker.lastUsed()).isEqualTo(clock.instant());
    }
    @Test
    void theRestartTimeIsSetWithTheMoveToDeadAndClearedByTheNextMove() {
        List<java.time.Instant> seenByListener = new ArrayList<>();
        Worker worker = new Worker("php", 1, new BackendAddress.Tcp("127.0.0.1", 9001), Duration.ofSeconds(5), clock,
                WorkerState.RUNNING, (w, from, to, why) -> seenByListener.add(w.restartAt()));
        java.time.Instant at = clock.instant().plusSeconds(2);
        worker.moveTo(WorkerState.DEAD, "crashed", at);
        assertThat(seenByListener).as("the listener publishes a snapshot that knows it").containsExactly(at);
        worker.moveTo(WorkerState.STARTING, "restart");
        assertThat(worker.restartAt()).isNull();
        assertThatThrownBy(() -> worker.moveTo(WorkerState.RUNNING, "up", at))
                .hasMessage("worker php#1: a restart time needs DEAD, not RUNNING");
    }

    @Test
    void anIdleStopClaimsOnlyAnUnusedWorkerAndThenNoLoadCanBeClaimedUntilItIsDead() {
        Worker worker = worker(WorkerState.RUNNING);
        worker.acquireLoad();
        assertThat(worker.claimForIdleStop()).isFalse();
        worker.releaseLoad(clock.instant());
        assertThat(worker.claimForIdleStop()).isTrue();
        assertThat(worker.acquireLoad()).isEqualTo(-1);
        assertThat(worker.load()).isZero();
        assertThat(worker.leasableLoad()).isEqualTo(-1);
        worker.moveTo(WorkerState.STOPPING, "idle");
        worker.moveTo(WorkerState.DEAD, "reaped");
        assertThat(worker.acquireLoad()).isEqualTo(1);
    }

    /** max-age and crashes close a per-key worker that still holds sessions: they are released as usual. */
    @Test
    void aRetiredWorkerKeepsCountingItsSessionsButTakesNoMoreEvenWhenDead() {
        Worker worker = Worker.singleRun("sandbox", 7, "9f3c1a2b4d5e6f70", new BackendAddress.UnixPath(
                Path.of("/run/s-9f3c1a2b4d5e6f70")), clock, (w, from, to, why) -> { });
        assertThat(worker.name()).isEqualTo("sandbox#9f3c1a2b4d5e6f70");
        worker.acquireLoadBelow(Integer.MAX_VALUE);
        worker.acquireLoadBelow(Integer.MAX_VALUE);

        assertThat(worker.retire()).isTrue();

        assertThat(worker.retire()).as("once").isFalse();
        assertThat(worker.closed()).isTrue();
        assertThat(worker.load()).isEqualTo(2);
        assertThat(worker.acquireLoadBelow(Integer.MAX_VALUE)).isEqualTo(-1);
        worker.releaseLoad(clock.instant());
        worker.releaseLoad(clock.instant());
        assertThat(worker.load()).isZero();
        assertThatThrownBy(() -> worker.releaseLoad(clock.instant())).isInstanceOf(IllegalStateException.class);
        worker.moveTo(WorkerState.STARTING, "start");
        worker.moveTo(WorkerState.STOPPING, "stop");
        worker.moveTo(WorkerState.DEAD, "reaped");
        assertThat(worker.acquireLoadBelow(Integer.MAX_VALUE)).as("a single run never reopens").isEqualTo(-1);
    }

    @Test
    void aCapRefusesTheClaimThatWouldExceedIt() {
        Worker worker = worker(WorkerState.RUNNING);
        assertThat(worker.acquireLoadBelow(2)).isEqualTo(1);
        assertThat(worker.acquireLoadBelow(2)).isEqualTo(2);
        assertThat(worker.acquireLoadBelow(2)).isZero();
        assertThat(worker.load()).isEqualTo(2);
    }
}
