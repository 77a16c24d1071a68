/**
 * The only package with native calls: a small jnr-ffi binding of libc (posix_spawn, pipes, sockets, epoll, pidfd),
 * a jnr-posix facade for waitpid/kill/close/getpid, and wait-status decoding. Linux only. Imports nothing from the
 * rest of Sluice; only {@code io.sluice.spawner.process} may import it.
 */
package io.sluice.spawner.posix;
