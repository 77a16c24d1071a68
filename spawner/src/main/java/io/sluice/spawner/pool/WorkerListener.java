package io.sluice.spawner.pool;

/** Told of every worker state change, after the fact; called on the supervisor thread and must not throw. */
@FunctionalInterface
public interface WorkerListener {
    void stateChanged(Worker worker, WorkerState from, WorkerState to, String why);
}
