/**
 * Balancing policies between the backends of one route, exactly as lighttpd's gw_host_get (one policy per file).
 * Pure functions of a {@code List<BackendView>} and a {@code SelectionKey}; no state but the round-robin cursor.
 * Imports only {@code registry} (what a policy sees) and {@code spec} (the {@code BalanceKind} it is made from).
 */
package io.sluice.spawner.balance;
