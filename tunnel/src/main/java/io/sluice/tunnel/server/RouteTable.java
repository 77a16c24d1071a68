package io.sluice.tunnel.server;

import io.sluice.tunnel.config.ExtensionMapping;
import io.sluice.tunnel.config.RouteSpec;
import io.sluice.tunnel.config.SluiceConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Picks the route for a request path, lighttpd's way: {@code map-extensions} first (the first suffix that matches,
 * in config order, names the route), then the routes in config order, first match wins; a key starting with
 * {@code /} is a byte prefix of the decoded path, any other key a byte suffix. Immutable and thread-safe.
 *
 * <p>Paths are compared as bytes: callers pass the decoded path as an ISO-8859-1 string (one char per byte), and
 * keys are turned into the same form from their UTF-8 bytes.
 */
final class RouteTable {
    private record Entry(String bytes, RouteSpec route) {
    }

    private record Mapping(String suffixBytes, RouteSpec route) {
    }

    private final List<Entry> routes = new ArrayList<>();
    private final List<Mapping> mappings = new ArrayList<>();

    RouteTable(SluiceConfig config) {
        for (RouteSpec route : config.routes()) {
            routes.add(new Entry(asBytes(route.key()), route));
        }
        for (ExtensionMapping mapping : config.mapExtensions()) {
            config.routes().stream()
                    .filter(r -> r.key().equals(mapping.routeKey()))
                    .findFirst()
                    .ifPresent(r -> mappings.add(new Mapping(asBytes(mapping.suffix()), r)));
        }
    }

    /** The route for a decoded path (ISO-8859-1 form, no query), or null when none matches. */
    RouteSpec match(String decodedPathBytes) {
        for (Mapping mapping : mappings) {
            if (decodedPathBytes.endsWith(mapping.suffixBytes())) {
                return mapping.route();
            }
        }
        for (Entry entry : routes) {
            boolean hit = entry.route().isPrefix()
                    ? decodedPathBytes.startsWith(entry.bytes())
                    : decodedPathBytes.endsWith(entry.bytes());
            if (hit) {
                return entry.route();
            }
        }
        return null;
    }

    private static String asBytes(String key) {
        return new String(key.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }
}
