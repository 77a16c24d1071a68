/**
 * Balancing policies between the backends of one route, exactly as lighttpd's gw_host_get (one policy per file).
 * Pure functions of a {@code List<BackendView>} and a {@code SelectionKey}; no state but the round-robin cursor.
 */
package io.sluice.spawner.balance;
