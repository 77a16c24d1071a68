package io.sluice.spawner.status;

import java.util.List;

/** Where the latest {@link SpawnerStatus} is read; any thread, never blocks. */
@FunctionalInterface
public interface StatusSource {
    /** A source for a tunnel without a spawner (tests): no backend at all. */
    StatusSource NONE = () -> SpawnerStatus.NONE;

    SpawnerStatus current();

    /** The live keys of every per-key backend, as of its latest tick; none for a source without per-key backends. */
    default List<PerKeyStatus> perKey() {
        return List.of();
    }
}
