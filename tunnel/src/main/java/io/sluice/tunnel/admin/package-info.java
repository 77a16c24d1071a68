/**
 * The admin listener: its own small Netty HTTP/1.1 server (never the tunnel's port) with /healthz, /readyz, /status,
 * /metrics and the live page /status.html, guarded by the bearer token. Reads the spawner only through
 * {@code spawner.status}; imports Netty, {@code config}, {@code session} (the live sessions) and {@code server}
 * (the transport choice); nothing of pools or processes.
 */
package io.sluice.tunnel.admin;
