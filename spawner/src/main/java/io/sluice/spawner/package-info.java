/**
 * The supervisor: owns the backends of every route and the single control thread, and publishes what the tunnel may
 * use through the {@link io.sluice.spawner.registry.Registry}. Wires {@code pool}, {@code process}, {@code registry}
 * and {@code spec}; knows nothing of HTTP, WebSocket or Netty.
 */
package io.sluice.spawner;
