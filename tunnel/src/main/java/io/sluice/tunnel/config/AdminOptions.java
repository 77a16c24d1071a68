package io.sluice.tunnel.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The {@code admin:} listener (/healthz, /readyz, /status, /metrics, /status.html): where it binds and the bearer
 * token that guards everything but /healthz. Immutable; validates itself in option terms. {@code tokenFile} and
 * {@code token} are both null when no token is configured; the token is read from its file once, at load.
 * {@code drainDelay}: how long a stopping Sluice answers /readyz with 503 while it still serves everything, before
 * its tunnels get CLOSE 1001, so that a load balancer's health checks see it go and send new sessions elsewhere.
 */
public record AdminOptions(String bind, int port, Path tokenFile, String token, Duration drainDelay) {

    public static final String DEFAULT_BIND = "127.0.0.1";
    public static final int DEFAULT_PORT = 9090;
    /** A load balancer's check interval times its fall count is rarely above a minute. */
    static final Duration MAX_DRAIN_DELAY = Duration.ofMinutes(5);

    /** Without a drain delay: a stop closes the tunnels right after /readyz turns 503. */
    public AdminOptions(String bind, int port, Path tokenFile, String token) {
        this(bind, port, tokenFile, token, Duration.ZERO);
    }

    public AdminOptions {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(drainDelay, "drainDelay");
        Violations v = new Violations();
        if (drainDelay.isNegative() || drainDelay.compareTo(MAX_DRAIN_DELAY) > 0) {
            v.add("drain-delay", "must be 0..5m, got " + drainDelay.toSeconds() + " s",
                    "a duration: a little more than the load balancer's check interval times its fall count");
        }
        if (!ServerOptions.isAddressLiteral(bind)) {
            v.add("bind", "'%s' is not an IP address".formatted(bind),
                    "an IPv4 or IPv6 address literal (0.0.0.0 or :: for all interfaces), or localhost");
        } else if (token == null && !isLoopback(bind)) {
            v.add("token", "required when bind is not a loopback address (%s is reachable from other machines)"
                    .formatted(bind), "a file holding the bearer token; or bind 127.0.0.1");
        }
        if (port < 0 || port > 65535) {
            v.add("port", "must be 0..65535 (0 = any free port), got " + port, null);
        }
        if ((tokenFile == null) != (token == null)) {
            throw new IllegalArgumentException("tokenFile and token go together");
        }
        if (token != null && !isBearerToken(token)) {
            v.add("token", "the token in %s must be one line of visible ASCII without spaces".formatted(tokenFile),
                    "letters, digits and -._~+/= (RFC 6750 token68), at least 16 characters");
        }
        v.throwIfAny();
    }

    /** A loopback-only listener without a token. */
    public static AdminOptions loopback(int port) {
        return new AdminOptions(DEFAULT_BIND, port, null, null);
    }

    public boolean hasToken() {
        return token != null;
    }

    /** Only loopback peers can connect: 127.0.0.0/8, ::1 or localhost. */
    static boolean isLoopback(String bind) {
        if (bind.equals("localhost")) {
            return true;
        }
        try {
            return InetAddress.getByName(bind).isLoopbackAddress(); // an IP literal: parsed, never looked up
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** RFC 6750 token68, and long enough that guessing it is hopeless. */
    static boolean isBearerToken(String token) {
        return token.length() >= 16 && token.matches("[A-Za-z0-9._~+/-]+=*");
    }

    /** Never prints the token itself. */
    @Override
    public String toString() {
        return "AdminOptions[bind=%s, port=%d, tokenFile=%s, drainDelay=%s]".formatted(bind, port, tokenFile,
                drainDelay);
    }
}
