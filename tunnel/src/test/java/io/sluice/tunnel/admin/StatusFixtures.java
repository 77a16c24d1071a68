package io.sluice.tunnel.admin;

import io.sluice.spawner.status.BackendStatus;
import io.sluice.spawner.status.SpawnerStatus;
import io.sluice.spawner.status.WorkerStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Spawner status values built by hand for admin tests. */
public final class StatusFixtures {
    private StatusFixtures() {
    }

    public static WorkerStatus worker(int id, WorkerStatus.State state, long pid, int load) {
        return new WorkerStatus(id, "/tmp/w.sock-" + id, state, pid, pid == 0 ? null : Instant.parse(
                "2026-01-02T03:04:05Z"), 0, 0, null, null, null, () -> load);
    }

    public static SpawnerStatus oneBackend(String route, WorkerStatus... workers) {
        return new SpawnerStatus(List.of(new BackendStatus(route, "test", BackendStatus.Kind.POOL, "/tmp/w.sock", 1,
                workers.length, List.of(workers), workers.length, Map.of())));
    }
}
