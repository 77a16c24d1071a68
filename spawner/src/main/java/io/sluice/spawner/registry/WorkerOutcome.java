package io.sluice.spawner.registry;

import java.util.Objects;

/**
 * How the worker behind a lease is doing at the moment it is asked: still running, exiting (its end has begun but
 * its status is not known yet), ended cleanly (exit 0), or failed with a short description such as "exit 3" or
 * "killed by SIGSEGV". What a session reads when its backend connection ends, to tell a crash (1011) from a clean
 * end (1000). Immutable.
 *
 * @param description short and free of internals; may reach a client in a close reason
 */
public record WorkerOutcome(Kind kind, String description) {

    public enum Kind {
        /** Alive and not exiting; also the answer for a backend whose process Sluice cannot see. */
        RUNNING,
        /** The process has begun to exit (or was reaped a moment ago); its status follows within milliseconds. */
        EXITING,
        /** Exited with status 0. */
        ENDED_CLEANLY,
        /** Exited non-zero, was killed by a signal, never started, or its status was lost. */
        FAILED;

        /** Whether the process is gone for good and the outcome will not change. */
        public boolean isFinal() {
            return this == ENDED_CLEANLY || this == FAILED;
        }
    }

    public static final WorkerOutcome RUNNING = new WorkerOutcome(Kind.RUNNING, "running");
    public static final WorkerOutcome EXITING = new WorkerOutcome(Kind.EXITING, "exiting");
    public static final WorkerOutcome ENDED_CLEANLY = new WorkerOutcome(Kind.ENDED_CLEANLY, "exit 0");

    public WorkerOutcome {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(description, "description");
        if (description.isBlank()) {
            throw new IllegalArgumentException("a worker outcome needs a description");
        }
    }

    /** A failure described briefly: "exit 3", "killed by SIGSEGV", "did not start". */
    public static WorkerOutcome failed(String description) {
        return new WorkerOutcome(Kind.FAILED, description);
    }

    @Override
    public String toString() {
        return kind + " (" + description + ")";
    }
}
