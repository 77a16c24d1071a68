package io.sluice.spawner.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.spawner.process.ChildProcess;
import io.sluice.spawner.process.ExitStatus;
import io.sluice.spawner.registry.WorkerOutcome;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What a lease reads about its worker: running until the process begins to exit, exiting until its status is known,
 * then the status itself, without waiting for the supervisor to publish it and without registering anything.
 */
class IncarnationTest {
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    private final AtomicBoolean exiting = new AtomicBoolean();
    private final AtomicInteger probes = new AtomicInteger();
    private final Incarnation run = new Incarnation();

    private void spawned() {
        run.child = new ChildProcess("echo#0", 4242, exit, signal -> true, () -> {
            probes.incrementAndGet();
            return exiting.get();
        });
    }

    @Test
    void readsRunningThenExitingThenTheReapedStatusBeforeItIsPublished() {
        assertThat(run.exitView.read()).isEqualTo(WorkerOutcome.RUNNING);
        spawned();
        assertThat(run.exitView.read()).isEqualTo(WorkerOutcome.RUNNING);

        exiting.set(true);
        assertThat(run.exitView.read()).isEqualTo(WorkerOutcome.EXITING);

        exit.complete(new ExitStatus.Killed(11));
        int probesBefore = probes.get();
        assertThat(run.exitView.read()).isEqualTo(WorkerOutcome.failed("killed by SIGSEGV"));
        assertThat(probes.get()).as("no procfs read once the status is known").isEqualTo(probesBefore);

        run.ended(run.outcomeOf(new ExitStatus.Killed(11)));
        assertThat(run.exitView.read()).isEqualTo(WorkerOutcome.failed("killed by SIGSEGV"));
    }

    @Test
    void exitZeroIsACleanEndAndAnyOtherCodeAFailure() {
        spawned();
        exit.complete(new ExitStatus.Exited(0));
        assertThat(run.exitView.read()).isEqualTo(WorkerOutcome.ENDED_CLEANLY);
        assertThat(run.outcomeOf(new ExitStatus.Exited(3))).isEqualTo(WorkerOutcome.failed("exit 3"));
    }

    @Test
    void aRunSluiceEndedForAFaultIsAFailureWhateverItsStatus() {
        spawned();
        run.faultyBecause = "hung";
        exit.complete(new ExitStatus.Exited(0));
        assertThat(run.exitView.read()).isEqualTo(WorkerOutcome.failed("hung"));
    }

    @Test
    void aLostStatusReadsAsExitingUntilTheSupervisorPublishesTheEnd() {
        spawned();
        exit.completeExceptionally(new IllegalStateException("ECHILD"));
        assertThat(run.exitView.read()).isEqualTo(WorkerOutcome.EXITING);

        run.ended(WorkerOutcome.failed("status unknown"));
        assertThat(run.exitView.read()).isEqualTo(WorkerOutcome.failed("status unknown"));
    }

    @Test
    void aRunThatNeverStartedReadsAsFailed() {
        run.failBeforeSpawn(new IllegalStateException("no such binary"));
        assertThat(run.exitView.read()).isEqualTo(WorkerOutcome.failed("did not start"));
    }
}
