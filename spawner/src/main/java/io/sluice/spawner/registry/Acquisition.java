package io.sluice.spawner.registry;

/** The result of {@link Registry#acquire}: running out of backends is a value, not an exception. */
public sealed interface Acquisition permits Lease, Unavailable {
}
