package io.sluice.spawner.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.spawner.registry.Acquisition;
import io.sluice.spawner.registry.Lease;
import io.sluice.spawner.registry.Unavailable;
import io.sluice.spawner.spec.BackendAddress;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The idle rule and acquire decide about the same worker on two threads: the tick checks that a worker has no load and
 * stops it, while an event loop, still reading the snapshot in which the worker runs, claims load on it. The claim and
 * the check must be one atomic step, or a lease is granted on a worker being stopped.
 */
class IdleStopRaceTest {

    private PoolFixture fixture;

    @BeforeEach
    void create() throws IOException {
        fixture = new PoolFixture();
    }

    @AfterEach
    void close() throws IOException {
        fixture.close();
    }

    @Test
    void anIdleStopClaimsTheWorkerSoThatAcquireOnAStaleSnapshotPicksAnotherWorker() {
        fixture.start(1, 2, 0);
        fixture.acquire();
        fixture.tick();
        fixture.leases.forEach(Lease::close);
        fixture.leases.clear();
        assertThat(fixture.state(1)).isEqualTo(WorkerState.RUNNING);
        fixture.clock.advance(PoolFixture.IDLE_TIMEOUT.plusSeconds(1));
        fixture.publishing = false;

        fixture.pool.tick(fixture.clock.instant());
        assertThat(fixture.state(1)).as("the newest idle worker stops").isEqualTo(WorkerState.STOPPING);

        Lease lease = fixture.acquire();
        assertThat(lease.address()).as("not the worker being stopped")
                .isEqualTo(new BackendAddress.UnixPath(fixture.dir.resolve("echo.sock-0")));
        assertThat(fixture.worker(1).load()).isZero();
    }

    @Test
    void anIdleStopOfTheOnlyWorkerGivesAStaleAcquireNoLeaseOnIt() {
        fixture.start(0, 1, 1);
        fixture.acquire();
        fixture.tick();
        assertThat(fixture.state(0)).isEqualTo(WorkerState.RUNNING);
        fixture.leases.forEach(Lease::close);
        fixture.leases.clear();
        fixture.clock.advance(PoolFixture.IDLE_TIMEOUT.plusSeconds(1));
        fixture.publishing = false;

        fixture.pool.tick(fixture.clock.instant());
        assertThat(fixture.state(0)).isEqualTo(WorkerState.STOPPING);

        Acquisition acquisition = fixture.acquisition();
        assertThat(acquisition).isInstanceOf(Unavailable.class);
        assertThat(((Unavailable) acquisition).reason()).contains("stopping");

        fixture.publishing = true;
        fixture.launcher.last().exits(0);
        fixture.tick();
        assertThat(fixture.state(0)).isEqualTo(WorkerState.DEAD);
        assertThat(fixture.worker(0).load()).as("the claim ends with the worker").isZero();
        Lease next = fixture.acquire();
        assertThat(next.ready().toCompletableFuture()).as("the next connection waits for a start").isNotDone();
        fixture.tick();
        assertThat(next.ready().toCompletableFuture()).isCompleted();
    }

    @Test
    void aClaimedLoadIsNeverStoppedAndAStopClaimIsNeverLeased() throws Exception {
        ExecutorService loops = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 200; round++) {
                fixture.close();
                fixture = new PoolFixture();
                fixture.start(0, 1, 1);
                fixture.acquire();
                fixture.tick();
                fixture.leases.forEach(Lease::close);
                fixture.leases.clear();
                fixture.clock.advance(PoolFixture.IDLE_TIMEOUT.plusSeconds(1));
                fixture.publishing = false;
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Acquisition>> racing = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    racing.add(loops.submit(() -> {
                        go.await();
                        return fixture.registry.acquire(PoolFixture.ROUTE, PoolFixture.KEY);
                    }));
                }
                go.countDown();
                fixture.pool.tick(fixture.clock.instant());
                int leased = 0;
                for (Future<Acquisition> f : racing) {
                    if (f.get(10, TimeUnit.SECONDS) instanceof Lease lease) {
                        fixture.leases.add(lease);
                        leased++;
                    }
                }
                if (fixture.state(0) == WorkerState.STOPPING) {
                    assertThat(leased).as("round %d: leases on a worker being stopped", round).isZero();
                } else {
                    assertThat(leased).as("round %d: the worker stayed because it was leased", round).isPositive();
                    assertThat(fixture.worker(0).load()).isEqualTo(leased);
                }
                fixture.publishing = true;
            }
        } finally {
            loops.shutdownNow();
        }
    }

    @Test
    void aWorkerWithLoadIsNotStoppedForIdleness() {
        fixture.start(0, 1, 1);
        fixture.acquire();
        fixture.tick();
        fixture.clock.advance(PoolFixture.IDLE_TIMEOUT.plus(Duration.ofSeconds(1)));
        fixture.tick();
        assertThat(fixture.state(0)).isEqualTo(WorkerState.RUNNING);
    }
}
