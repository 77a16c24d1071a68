package io.sluice.spawner.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.spawner.spec.BackendAddress;
import io.sluice.spawner.spec.BackendSpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Worker choice inside one backend, as lighttpd's gw_write_request (§4.4 of the semantics reference). */
class WorkerChoiceTest {

    private final ManualClock clock = new ManualClock();
    private final BackendSpec spec = BackendSpec.existing("echo", new BackendAddress.Tcp("127.0.0.1", 9000),
            Duration.ofSeconds(5), Duration.ofSeconds(3));

    private Worker withLoad(int id, int load) {
        Worker worker = new Worker("echo", id, spec.address().forWorker(id), spec.disableTime(), clock,
                WorkerState.RUNNING, (w, from, to, why) -> { });
        for (int i = 0; i < load; i++) {
            worker.acquireLoad();
        }
        return worker;
    }

    private static BackendSnapshot running(BackendSpec spec, Worker... newestFirst) {
        return new BackendSnapshot(spec, newestFirst, new LeaseOwner[newestFirst.length], newestFirst, false, "");
    }

    @Test
    void equalLoadsGoToTheFirstInListOrderWhichIsTheNewest() {
        assertThat(running(spec, withLoad(2, 1), withLoad(1, 1), withLoad(0, 1)).pickWorker()).isZero();
    }

    @Test
    void aLaterWorkerWinsOnlyWithStrictlyLowerLoad() {
        assertThat(running(spec, withLoad(2, 3), withLoad(1, 1), withLoad(0, 1)).pickWorker()).isEqualTo(1);
        assertThat(running(spec, withLoad(2, 3), withLoad(1, 2), withLoad(0, 0)).pickWorker()).isEqualTo(2);
    }

    @Test
    void noRunningWorkerGivesMinusOne() {
        assertThat(running(spec).pickWorker()).isEqualTo(-1);
        assertThat(running(spec).active()).isFalse();
    }

    @Test
    void backendLoadIsTheSumOfItsWorkersIncludingOnesOutOfRotation() {
        Worker disabled = withLoad(0, 4);
        Worker runningWorker = withLoad(1, 2);
        BackendSnapshot backend = new BackendSnapshot(spec, new Worker[] {runningWorker}, new LeaseOwner[1],
                new Worker[] {runningWorker, disabled}, false, "");
        assertThat(backend.load()).isEqualTo(6);
        assertThat(backend.active()).isTrue();
    }
}
