/**
 * Prometheus metrics through Micrometer's Prometheus registry: the tunnel's sessions, handshakes and connects
 * (counted per session event, never per frame), the spawner's workers from {@code spawner.status}, the event loops,
 * and the JVM and process. Label values are bounded: routes and hosts come from the configuration, never from a
 * client. Imports Micrometer, Netty (event loops), {@code config}, {@code session} and {@code spawner.status}.
 */
package io.sluice.tunnel.metrics;
