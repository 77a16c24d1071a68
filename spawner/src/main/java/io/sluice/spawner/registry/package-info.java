/**
 * The thread-safe face the tunnel sees: {@code Registry.acquire} hands out a {@code Lease} on one backend's capacity.
 * Must not expose pids, workers or pools; imports only {@code spec}.
 */
package io.sluice.spawner.registry;
