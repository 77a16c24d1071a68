package io.sluice.spawner.status;

import java.time.Instant;
import java.util.Objects;

/**
 * One live key of a per-key backend: its hash (the first 16 hex digits of SHA-256 over the backend name and the key,
 * as in its socket's name and the logs), its worker's pid (0 while it is being started), state, sessions, when the
 * worker started (null while starting) and since when it has had no session (null while it has one). Immutable.
 */
public record LiveKey(String hash, long pid, State state, int sessions, Instant startedAt, Instant idleSince) {

    /** Where the key's worker is in its one run. */
    public enum State {
        /** Sessions wait for its start. */
        STARTING,
        /** Serving its sessions. */
        RUNNING,
        /** Being stopped (idle, max-age, refusals or shutdown); its key's next session waits for a new one. */
        STOPPING
    }

    public LiveKey {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(state, "state");
    }
}
