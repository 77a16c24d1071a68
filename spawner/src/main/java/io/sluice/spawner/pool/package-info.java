/**
 * The runtime half of every backend: its workers, their lifecycles, the per-backend tick rules, and the registry
 * snapshots the tunnel acquires from. Mutated only on the supervisor thread; must not import {@code process} or
 * {@code posix} except through the launcher the supervisor injects.
 */
package io.sluice.spawner.pool;
