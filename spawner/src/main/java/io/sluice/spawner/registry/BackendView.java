package io.sluice.spawner.registry;

import io.sluice.spawner.spec.BackendAddress;

/** A read-only view of one backend (host entry) for balance policies: its address and current load. */
public interface BackendView {

    /** The configured address (for a pool, the base address before {@code forWorker}). */
    BackendAddress address();

    /** Connections currently held or being made to this backend, over all its workers. */
    int load();

    /** Whether at least one worker of this backend is in rotation (lighttpd: active_procs > 0). */
    boolean active();
}
