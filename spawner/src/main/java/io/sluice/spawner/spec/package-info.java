/**
 * Immutable, self-validating descriptions of backends: where they listen, how to start them, their limits.
 * Built from configuration by the tunnel's config loader; imports nothing from the rest of the spawner.
 */
package io.sluice.spawner.spec;
