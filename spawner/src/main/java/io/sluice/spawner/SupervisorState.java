package io.sluice.spawner;

/** The supervisor's lifecycle, as Armeria's {@code StartStopSupport}; the legal edges live here. Immutable. */
public enum SupervisorState {
    NEW, STARTING, RUNNING, STOPPING, STOPPED;

    /** Whether {@code this -> next} is a legal edge; a supervisor never started may go straight to STOPPED. */
    public boolean canMoveTo(SupervisorState next) {
        return switch (this) {
            case NEW -> next == STARTING || next == STOPPED;
            case STARTING -> next == RUNNING || next == STOPPING;
            case RUNNING -> next == STOPPING;
            case STOPPING -> next == STOPPED;
            case STOPPED -> false;
        };
    }
}
