package io.sluice.tunnel.server;

import io.sluice.tunnel.config.RouteSpec;
import io.sluice.tunnel.config.SluiceConfig;
import io.sluice.tunnel.config.TransportPreference;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The one place that decides the transport, from {@code server.transport}: a named one is that one or a refusal to
 * start (saying why it does not load); {@code auto} takes the first of {@link #AUTO_ORDER} that loads here and can run
 * every route, and says what it passed over. Stateless and thread-safe; the decision depends only on the
 * configuration and on what this machine offers, so every caller gets the same answer.
 */
public final class Transports {
    /**
     * What {@code auto} tries, best first. Not io_uring: in interleaved A/B runs of the benchmark it relayed no
     * ping-pong or stream case faster than epoll and spent more CPU per message on some, it won only the warm churn
     * case on a busy machine (docs/performance.md, "io_uring transport"), and it cannot run per-connection programs.
     * Where epoll does not load, io_uring does not either (both are Netty's Linux x86-64 natives).
     */
    static final List<Transport> AUTO_ORDER = List.of(Transport.EPOLL, Transport.NIO);

    /** The decision: the transport, and what {@code auto} passed over on the way (null when nothing). */
    public record Choice(Transport transport, String passedOver) {
        /** For the log: "epoll transport", or "nio transport; auto passed over epoll (not available here: ...)". */
        public String describe() {
            return passedOver == null ? transport.configName() + " transport"
                    : "%s transport; auto passed over %s".formatted(transport.configName(), passedOver);
        }
    }

    private Transports() {
    }

    /**
     * The transport {@code config} runs on.
     *
     * @throws IOException when a named transport does not load here, or when no transport that loads can run the
     *                     configuration's per-connection routes; the message names the option or route and Netty's
     *                     reason
     */
    public static Choice choose(SluiceConfig config) throws IOException {
        return choose(config, Transport::unavailabilityCause);
    }

    /** As {@link #choose(SluiceConfig)}, with {@code unavailability} standing in for what this machine offers. */
    static Choice choose(SluiceConfig config, Function<Transport, Throwable> unavailability) throws IOException {
        TransportPreference asked = config.server().transport();
        if (asked != TransportPreference.AUTO) {
            Transport named = Transport.valueOf(asked.name());
            Throwable cause = unavailability.apply(named);
            if (cause != null) {
                throw new IOException(("server.transport: %s is not available here: %s; use auto (the best transport "
                        + "that loads) or another one").formatted(named.configName(), describe(cause)));
            }
            return new Choice(named, null); // the config itself refuses a named transport its routes cannot run on
        }
        String programRoute = perConnectionRoute(config);
        List<String> passedOver = new ArrayList<>();
        for (Transport candidate : AUTO_ORDER) {
            if (programRoute != null && !candidate.adoptsProgramFds()) {
                passedOver.add("%s (it cannot run route %s's per-connection programs)".formatted(
                        candidate.configName(), programRoute));
                continue;
            }
            Throwable cause = unavailability.apply(candidate);
            if (cause == null) {
                return new Choice(candidate, passedOver.isEmpty() ? null : String.join("; ", passedOver));
            }
            passedOver.add("%s (not available here: %s)".formatted(candidate.configName(), describe(cause)));
        }
        throw new IOException(("route %s: instances: per-connection needs Netty's native epoll transport (Linux), "
                + "which is not available here (%s)").formatted(programRoute,
                describe(unavailability.apply(Transport.EPOLL))));
    }

    /** The transport of the admin listener: epoll where it loads, else NIO; a few requests need no more. */
    public static Transport forAdmin() {
        return Transport.EPOLL.unavailabilityCause() == null ? Transport.EPOLL : Transport.NIO;
    }

    private static String perConnectionRoute(SluiceConfig config) {
        for (RouteSpec route : config.routes()) {
            if (route.cgi() != null) {
                return route.key();
            }
        }
        return null;
    }

    /** Netty's reason with what caused it ("failed to load the native library: no such file ..."). */
    static String describe(Throwable cause) {
        StringBuilder text = new StringBuilder(message(cause));
        Throwable inner = cause.getCause();
        for (int depth = 0; inner != null && inner != cause && depth < 3; depth++, inner = inner.getCause()) {
            text.append(": ").append(message(inner));
        }
        return text.toString();
    }

    private static String message(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
