/**
 * TLS on the client listener: the server's SSL context built from {@code server.tls} (BoringSSL when netty-tcnative
 * loads, the JDK's provider otherwise) and what a finished handshake tells about the client. Imports Netty and the
 * config records; nothing of the spawner, the server or the session.
 */
package io.sluice.tunnel.tls;
