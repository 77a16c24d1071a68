/**
 * Immutable, self-validating descriptions of backends: where they listen, how to start them, their limits, and how
 * a route balances between them ({@code BalanceKind}). Built from configuration by the tunnel's config loader;
 * imports nothing from the rest of the spawner, so every other package may depend on it.
 */
package io.sluice.spawner.spec;
