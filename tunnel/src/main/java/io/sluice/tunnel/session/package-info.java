/**
 * One tunnel: a client channel and a backend channel on the same event loop, relaying bytes with backpressure, closed
 * through exactly one path. Imports only {@code spawner.registry} and {@code spec.BackendAddress} from the spawner.
 */
package io.sluice.tunnel.session;
