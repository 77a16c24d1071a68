/**
 * What the spawner runs, as immutable values the supervisor publishes for operators (status, metrics, readiness):
 * routes' backends, their workers with pid, state, load and last exit, and per-backend spawn and exit counts. Read
 * by the tunnel's admin and metrics; imports nothing from the rest of Sluice, so it never exposes a pool or process.
 */
package io.sluice.spawner.status;
