package io.sluice.spawner.pool;

/**
 * The lifecycle of one worker (lighttpd's {@code PROC_STATE_*} in parentheses). The legal edges live here, so adding a
 * state breaks compilation wherever it matters. Immutable.
 */
public enum WorkerState {
    /** Spawned; the immediate-exit check has not passed yet. */
    STARTING,
    /** In rotation (RUNNING). */
    RUNNING,
    /** Out of rotation until {@code disabledUntil}, after a connect failure (OVERLOADED). */
    DISABLED,
    /** The stop ladder is running (KILLED). */
    STOPPING,
    /** Reaped or given up; a spawned worker may be started again (DIED). */
    DEAD;

    /** Whether {@code this -> next} is a legal edge. */
    public boolean canMoveTo(WorkerState next) {
        return switch (this) {
            case STARTING -> next == RUNNING || next == STOPPING || next == DEAD;
            case RUNNING, DISABLED -> next != STARTING && next != this;
            case STOPPING -> next == DEAD;
            case DEAD -> next == STARTING;
        };
    }
}
