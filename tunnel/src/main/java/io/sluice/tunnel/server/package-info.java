/**
 * The Netty server: bootstrap, transports, static files and the upgrade handshake. Imports only
 * {@code spawner.registry} and {@code spec.BackendAddress} from the spawner.
 */
package io.sluice.tunnel.server;
