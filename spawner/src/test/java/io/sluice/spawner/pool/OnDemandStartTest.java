package io.sluice.spawner.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.spawner.registry.Acquisition;
import io.sluice.spawner.registry.Lease;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code min-procs: 0}: every connection of a burst waits for the one start, including those that arrive while the
 * worker is being spawned (the snapshot published at the STARTING edge).
 */
class OnDemandStartTest {

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
    void connectionsArrivingWhileTheWorkerIsSpawnedWaitForItToo() {
        List<Acquisition> duringSpawn = new ArrayList<>();
        fixture.onChange = (worker, from, to, why) -> {
            if (to == WorkerState.STARTING) {
                for (int i = 0; i < 5; i++) {
                    duringSpawn.add(fixture.acquisition());
                }
            }
        };
        fixture.start(0, 1, 1);
        Lease first = fixture.acquire();

        fixture.tick();

        assertThat(duringSpawn).hasSize(5).allSatisfy(a -> assertThat(a).isInstanceOf(Lease.class));
        assertThat(first.ready().toCompletableFuture()).isCompleted();
        assertThat(duringSpawn).allSatisfy(a -> assertThat(((Lease) a).ready().toCompletableFuture()).isCompleted());
        assertThat(fixture.worker(0).load()).isEqualTo(6);
        assertThat(fixture.launcher.launches).hasSize(1);
    }

    @Test
    void aBurstStartsOneWorkerNotOnePerFreeSlot() {
        List<Acquisition> duringSpawn = new ArrayList<>();
        fixture.onChange = (worker, from, to, why) -> {
            if (to == WorkerState.STARTING && duringSpawn.isEmpty()) {
                duringSpawn.add(fixture.acquisition());
            }
        };
        fixture.start(0, 4, 10);
        fixture.acquire();

        fixture.tick();
        fixture.tick();

        assertThat(duringSpawn).singleElement().isInstanceOf(Lease.class);
        assertThat(((Lease) duringSpawn.get(0)).address()).isEqualTo(fixture.leases.get(0).address());
        assertThat(fixture.launcher.launches).as("load 2 is below max-load-per-proc 10").hasSize(1);
    }

    @Test
    void aWaitingConnectionFailsWhenTheSpawnOfTheStartingWorkerFails() {
        List<Acquisition> duringSpawn = new ArrayList<>();
        fixture.onChange = (worker, from, to, why) -> {
            if (to == WorkerState.STARTING) {
                duringSpawn.add(fixture.acquisition());
            }
        };
        fixture.start(0, 1, 1);
        fixture.acquire();
        fixture.launcher.failNextLaunch(new io.sluice.spawner.process.SpawnException("echo#0",
                java.nio.file.Path.of("/opt/echo"), "ENOENT", "ENOENT (No such file or directory)", null, null));

        fixture.tick();

        assertThat(duringSpawn).singleElement().isInstanceOf(Lease.class);
        assertThat(((Lease) duringSpawn.get(0)).ready().toCompletableFuture()).isCompletedExceptionally();
    }
}
