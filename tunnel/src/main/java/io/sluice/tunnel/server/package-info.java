/**
 * The Netty server: bootstrap, transports, static files, the upgrade handshake and the backend connectors (sockets,
 * and per-connection programs' stdio through {@code stdio}, with their CGI environment from {@code cgi}). Imports
 * only {@code spawner.registry} and {@code spec.BackendAddress} from the spawner.
 */
package io.sluice.tunnel.server;
