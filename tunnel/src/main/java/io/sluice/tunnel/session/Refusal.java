package io.sluice.tunnel.session;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.Objects;

/**
 * A WebSocket handshake answered with an HTTP error instead of 101. Immutable. {@code route} is "" when no route
 * matched; {@code reason} is a bounded key fit for a metric label (see {@link #reasonOf(int)}); {@code text} is the
 * one-line answer the client got.
 */
public record Refusal(Instant at, String remoteHost, int remotePort, String route, int status, String reason,
                      String text) {

    public Refusal {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(remoteHost, "remoteHost");
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(text, "text");
    }

    /** A refusal now, from {@code remote}, with the reason key of {@code status}. */
    public static Refusal now(SocketAddress remote, String route, int status, String text) {
        String host = remote instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : String.valueOf(remote);
        int port = remote instanceof InetSocketAddress inet ? inet.getPort() : 0;
        return new Refusal(Instant.now(), host, port, route == null ? "" : route, status, reasonOf(status), text);
    }

    /** The bounded reason key of an HTTP status Sluice refuses a handshake with. */
    public static String reasonOf(int status) {
        return switch (status) {
            case 400 -> "bad-request";
            case 403 -> "origin-not-allowed";
            case 404 -> "no-route";
            case 426 -> "bad-version";
            case 429 -> "too-many-requests";
            case 503 -> "unavailable";
            default -> "status-" + status;
        };
    }
}
