package io.sluice.tunnel.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The {@code server.*} options; validates itself in option terms. Immutable. {@code documentRoot} is null when no
 * static files are served; a zero {@code maxReadIdle}, {@code maxMessageSize} or {@code tcpKeepalive} means off; a
 * zero {@code ioThreads} means {@link #defaultIoThreads()}; {@code tls} is null for plain ws://;
 * {@code proxyProtocol} is null when no connection may start with a PROXY header; {@code transport} is what
 * {@code server.transport} asks for (the server picks the transport itself at start).
 *
 * <p>{@code compression} holds {@code server.compression} (the routes' default) and {@code server.max-inflate-ratio}.
 */
public record ServerOptions(
        String bind,
        int port,
        Path documentRoot,
        Path runtimeDir,
        int maxConnections,
        Duration handshakeTimeout,
        Duration maxReadIdle,
        long maxMessageSize,
        Duration gracefulShutdownTimeout,
        int ioThreads,
        Duration tcpKeepalive,
        TlsOptions tls,
        CompressionOptions compression,
        ProxyProtocolOptions proxyProtocol,
        TransportPreference transport) {

    public static final String DEFAULT_BIND = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_MAX_READ_IDLE = Duration.ZERO;
    public static final long DEFAULT_MAX_MESSAGE_SIZE = 0;
    public static final Duration DEFAULT_GRACEFUL_SHUTDOWN_TIMEOUT = Duration.ofSeconds(8);
    /** {@code io-threads: 0} = {@link #defaultIoThreads()}. */
    public static final int AUTO_IO_THREADS = 0;
    public static final Duration DEFAULT_TCP_KEEPALIVE = Duration.ofSeconds(60);
    /** Unanswered keepalive probes before the kernel gives a client connection up. */
    public static final int TCP_KEEPALIVE_PROBES = 4;
    /** Linux's largest TCP_KEEPIDLE and TCP_KEEPINTVL (MAX_TCP_KEEPIDLE), in seconds. */
    private static final long MAX_TCP_KEEPALIVE_SECONDS = 32_767;

    private static final Pattern IPV4 =
            Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

    public ServerOptions {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(runtimeDir, "runtimeDir");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(maxReadIdle, "maxReadIdle");
        Objects.requireNonNull(gracefulShutdownTimeout, "gracefulShutdownTimeout");
        Objects.requireNonNull(tcpKeepalive, "tcpKeepalive");
        Objects.requireNonNull(compression, "compression");
        Objects.requireNonNull(transport, "transport");
        Violations v = new Violations();
        if (!isAddressLiteral(bind)) {
            v.add("bind", "'%s' is not an IP address".formatted(bind),
                    "an IPv4 or IPv6 address literal (0.0.0.0 or :: for all interfaces), or localhost");
        }
        if (port < 0 || port > 65535) {
            v.add("port", "must be 0..65535 (0 = any free port), got " + port, null);
        }
        if (maxConnections < 1) {
            v.add("max-connections", "must be at least 1, got " + maxConnections, null);
        }
        if (handshakeTimeout.isZero() || handshakeTimeout.isNegative()) {
            // Not "0 = off" like the other timeouts: it is what frees a connection that never sends a whole
            // request, so without it max-connections silent clients would shut everyone else out for good.
            v.add("handshake-timeout", "must be more than 0, got " + Durations.format(handshakeTimeout),
                    "a duration such as 10s; a client that never finishes its request holds a connection until then");
        }
        nonNegative(v, "max-read-idle", maxReadIdle);
        nonNegative(v, "graceful-shutdown-timeout", gracefulShutdownTimeout);
        if (ioThreads < 0) {
            v.add("io-threads", "must be 0 (auto) or more, got " + ioThreads, null);
        }
        if (!tcpKeepalive.isZero() && (tcpKeepalive.isNegative() || tcpKeepalive.toNanos() % 1_000_000_000L != 0
                || tcpKeepalive.getSeconds() > MAX_TCP_KEEPALIVE_SECONDS)) {
            v.add("tcp-keepalive", "must be 0 (off) or whole seconds from 1s to %ds (the kernel counts in seconds),"
                    .formatted(MAX_TCP_KEEPALIVE_SECONDS) + " got " + Durations.format(tcpKeepalive), null);
        }
        if (maxMessageSize < 0) {
            v.add("max-message-size", "must not be negative, got " + maxMessageSize, null);
        }
        v.throwIfAny();
    }

    /** With {@code transport: auto}. */
    public ServerOptions(String bind, int port, Path documentRoot, Path runtimeDir, int maxConnections,
                         Duration handshakeTimeout, Duration maxReadIdle, long maxMessageSize,
                         Duration gracefulShutdownTimeout, int ioThreads, Duration tcpKeepalive, TlsOptions tls,
                         CompressionOptions compression, ProxyProtocolOptions proxyProtocol) {
        this(bind, port, documentRoot, runtimeDir, maxConnections, handshakeTimeout, maxReadIdle, maxMessageSize,
                gracefulShutdownTimeout, ioThreads, tcpKeepalive, tls, compression, proxyProtocol,
                TransportPreference.AUTO);
    }

    /** Without PROXY protocol. */
    public ServerOptions(String bind, int port, Path documentRoot, Path runtimeDir, int maxConnections,
                         Duration handshakeTimeout, Duration maxReadIdle, long maxMessageSize,
                         Duration gracefulShutdownTimeout, int ioThreads, Duration tcpKeepalive, TlsOptions tls,
                         CompressionOptions compression) {
        this(bind, port, documentRoot, runtimeDir, maxConnections, handshakeTimeout, maxReadIdle, maxMessageSize,
                gracefulShutdownTimeout, ioThreads, tcpKeepalive, tls, compression, null);
    }

    /** Without TLS. */
    public ServerOptions(String bind, int port, Path documentRoot, Path runtimeDir, int maxConnections,
                         Duration handshakeTimeout, Duration maxReadIdle, long maxMessageSize,
                         Duration gracefulShutdownTimeout, int ioThreads, Duration tcpKeepalive) {
        this(bind, port, documentRoot, runtimeDir, maxConnections, handshakeTimeout, maxReadIdle, maxMessageSize,
                gracefulShutdownTimeout, ioThreads, tcpKeepalive, null);
    }

    /** Without compression options (the defaults: off, ratio 200). */
    public ServerOptions(String bind, int port, Path documentRoot, Path runtimeDir, int maxConnections,
                         Duration handshakeTimeout, Duration maxReadIdle, long maxMessageSize,
                         Duration gracefulShutdownTimeout, int ioThreads, Duration tcpKeepalive, TlsOptions tls) {
        this(bind, port, documentRoot, runtimeDir, maxConnections, handshakeTimeout, maxReadIdle, maxMessageSize,
                gracefulShutdownTimeout, ioThreads, tcpKeepalive, tls, CompressionOptions.DEFAULTS);
    }

    /**
     * These options with the listener-level ones of {@code running}, which a reload cannot change while the listener
     * is bound: {@code bind}, {@code port}, {@code runtime-dir}, {@code io-threads}, {@code max-connections},
     * {@code tcp-keepalive}, {@code transport}, and whether there is TLS at all (its files are this configuration's
     * whenever both have it). See {@code ConfigChange}. {@code proxy-protocol} is this configuration's: a reload may
     * change the balancers.
     */
    public ServerOptions withListenerOf(ServerOptions running) {
        TlsOptions keptTls = (tls == null) == (running.tls == null) ? tls : running.tls;
        return new ServerOptions(running.bind, running.port, documentRoot, running.runtimeDir, running.maxConnections,
                handshakeTimeout, maxReadIdle, maxMessageSize, gracefulShutdownTimeout, running.ioThreads,
                running.tcpKeepalive, keptTls, compression, proxyProtocol, running.transport);
    }

    /** The scheme clients use: {@code wss} with TLS, else {@code ws}. */
    public String scheme() {
        return tls == null ? "ws" : "wss";
    }

    /** Every default, with the given runtime folder. */
    public static ServerOptions defaults(Path runtimeDir) {
        return new ServerOptions(DEFAULT_BIND, DEFAULT_PORT, null, runtimeDir, DEFAULT_MAX_CONNECTIONS,
                DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_MAX_READ_IDLE, DEFAULT_MAX_MESSAGE_SIZE,
                DEFAULT_GRACEFUL_SHUTDOWN_TIMEOUT, AUTO_IO_THREADS, DEFAULT_TCP_KEEPALIVE);
    }

    /** The number of event-loop threads to run: {@code io-threads}, or {@link #defaultIoThreads()} for 0. */
    public int effectiveIoThreads() {
        return ioThreads > 0 ? ioThreads : defaultIoThreads();
    }

    /**
     * Half the cores, at least one. Every message costs about as much CPU in the kernel and in the backends Sluice
     * spawns on the same machine as in the tunnel itself, so more loops than that only add context switches; on two
     * cores one loop relays 64-byte ping-pong about 10 % faster than four (docs/performance.md).
     */
    public static int defaultIoThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    static void nonNegative(Violations v, String option, Duration value) {
        if (value.isNegative()) {
            v.add(option, "must not be negative, got " + value, null);
        }
    }

    /** An address we can bind without a name lookup: an IP literal, or {@code localhost}. */
    /**
     * Whether only this machine can reach the listener: {@code localhost}, 127.0.0.0/8 or {@code ::1} (an IPv4-mapped
     * loopback too). {@code 0.0.0.0} and {@code ::} are every interface, not loopback.
     */
    public boolean bindsLoopbackOnly() {
        if (bind.equals("localhost")) {
            return true;
        }
        try {
            return isAddressLiteral(bind) && InetAddress.getByName(bind).isLoopbackAddress(); // a literal: no lookup
        } catch (UnknownHostException e) {
            return false;
        }
    }

    static boolean isAddressLiteral(String bind) {
        if (bind.equals("localhost") || IPV4.matcher(bind).matches()) {
            return true;
        }
        if (bind.indexOf(':') < 0 || bind.startsWith("[")) {
            return false;
        }
        try {
            InetAddress.getByName(bind); // a string with ':' is parsed as an IPv6 literal, never looked up
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
