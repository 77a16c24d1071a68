/**
 * Channels over a per-connection program's stdin/stdout fd, handed over by the spawner: an epoll domain-socket
 * channel for a socketpair end, {@link io.sluice.tunnel.stdio.PtyChannel} for a pseudo-terminal master. Netty only;
 * knows fds, never processes: imports nothing from the spawner.
 */
package io.sluice.tunnel.stdio;
