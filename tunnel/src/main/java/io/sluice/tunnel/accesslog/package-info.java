/**
 * The access log: one line per ended session and per refused handshake, as text or JSON lines, to a file (reopened
 * on request, for logrotate) or stdout, written by its own thread from a bounded queue so an event loop never waits.
 * Imports {@code config}, {@code json} and {@code session}; nothing of Netty or the spawner.
 */
package io.sluice.tunnel.accesslog;
