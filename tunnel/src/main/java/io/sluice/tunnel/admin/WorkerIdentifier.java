package io.sluice.tunnel.admin;

import io.sluice.spawner.status.StatusSource;
import io.sluice.tunnel.session.SessionObserver;
import io.sluice.tunnel.session.SessionRecord;
import java.util.Objects;

/**
 * Names the worker of every new session (id and pid, from the spawner's status by the address the session connected
 * to), so the status page and the access log can say which process carried it even after that process ended. The
 * tunnel itself never learns pids: the lease only gives an address. Thread-safe; one status read per session.
 */
public final class WorkerIdentifier implements SessionObserver {
    private final StatusSource spawner;

    public WorkerIdentifier(StatusSource spawner) {
        this.spawner = Objects.requireNonNull(spawner, "spawner");
    }

    @Override
    public void opened(SessionRecord session) {
        spawner.current().workerAt(session.route(), session.backend(), session.workerAddress())
                .ifPresent(worker -> session.identifyWorker(worker.id(), worker.pid()));
    }
}
