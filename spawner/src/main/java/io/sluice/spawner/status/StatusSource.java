package io.sluice.spawner.status;

/** Where the latest {@link SpawnerStatus} is read; any thread, never blocks. */
@FunctionalInterface
public interface StatusSource {
    /** A source for a tunnel without a spawner (tests): no backend at all. */
    StatusSource NONE = () -> SpawnerStatus.NONE;

    SpawnerStatus current();
}
