package io.sluice.tunnel.server;

import io.netty.channel.Channel;
import io.sluice.tunnel.session.LogThrottle;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes client connections that break {@code server.proxy-protocol} and says so without flooding: one WARN per
 * kind of breach at most every 10 s (with how many were quieted), DEBUG for the rest. Nothing is answered: the peer
 * is either not the balancer it claims to be, or a balancer whose configuration disagrees with ours, and neither
 * would read an HTTP answer as one. Thread-safe.
 */
final class ProxyRefusals {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyRefusals.class);
    private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** Every way a connection breaks the rule, with the line an operator reads. */
    enum Why {
        NO_HEADER_FROM_BALANCER("sent no PROXY protocol header, but its address is in server.proxy-protocol.accept "
                + "(every connection from there must start with one: send-proxy-v2 in HAProxy, proxy_protocol on "
                + "in nginx)"),
        HEADER_FROM_ELSEWHERE("sent a PROXY protocol header, but its address is not in "
                + "server.proxy-protocol.accept (add the balancer's address there if it is one)"),
        MALFORMED_HEADER("sent a malformed PROXY protocol header");

        private final String text;

        Why(String text) {
            this.text = text;
        }
    }

    private final Map<Why, LogThrottle> throttles = new EnumMap<>(Why.class);

    ProxyRefusals() {
        for (Why why : Why.values()) {
            throttles.put(why, new LogThrottle(INTERVAL_NANOS));
        }
    }

    /** Logs (throttled) and closes {@code client}; {@code detail} is null or a few words on what was wrong. */
    void refuse(Channel client, Why why, String detail) {
        throttles.get(why).warn(LOG, "refused connection from {}: {}{}; closed", client.remoteAddress(), why.text,
                detail == null ? "" : " (" + detail + ")");
        client.close();
    }
}
