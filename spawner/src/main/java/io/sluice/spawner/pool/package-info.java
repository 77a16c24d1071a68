/**
 * The runtime half of every backend: its workers, their lifecycles, the per-backend tick rules, and the registry
 * snapshots the tunnel acquires from. Mutated only on the supervisor thread. Starts and stops processes only through
 * the {@code process} package's launcher, listening socket and child handle, which the supervisor injects. Imports
 * {@code balance}, {@code process}, {@code registry}, {@code spec} and {@code status} (which it records); never
 * {@code posix}.
 */
package io.sluice.spawner.pool;
