package io.sluice.tunnel.config;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A whole, valid configuration. Immutable; validates itself in option terms. {@code file} is where it was read from
 * (null when built in code); routes and extension mappings keep config order, which is match order. {@code admin}
 * and {@code accessLog} are null when off.
 */
public record SluiceConfig(
        Path file,
        ServerOptions server,
        int debug,
        List<ExtensionMapping> mapExtensions,
        List<RouteSpec> routes,
        AdminOptions admin,
        AccessLogOptions accessLog) {

    /** A configuration without admin listener and access log. */
    public SluiceConfig(Path file, ServerOptions server, int debug, List<ExtensionMapping> mapExtensions,
                        List<RouteSpec> routes) {
        this(file, server, debug, mapExtensions, routes, null, null);
    }

    public SluiceConfig {
        Objects.requireNonNull(server, "server");
        mapExtensions = List.copyOf(mapExtensions);
        routes = List.copyOf(routes);
        Violations v = new Violations();
        if (debug < 0) {
            v.add("debug", "must not be negative, got " + debug, "0 (off) or a higher level");
        }
        if (routes.isEmpty()) {
            v.add("server", "at least one route is needed", null);
        }
        Set<String> keys = new HashSet<>();
        for (RouteSpec route : routes) {
            if (!keys.add(route.key())) {
                v.add("server[%s]".formatted(quoted(route.key())), "the route key appears twice", null);
            }
        }
        for (ExtensionMapping mapping : mapExtensions) {
            if (!keys.contains(mapping.routeKey())) {
                v.add("map-extensions[%s]".formatted(quoted(mapping.suffix())),
                        "'%s' is not a route key".formatted(mapping.routeKey()),
                        routes.stream().map(r -> "'" + r.key() + "'").collect(Collectors.joining(", ")));
            }
        }
        String fdRoute = routes.stream().filter(r -> r.cgi() != null).map(RouteSpec::key).findFirst().orElse(null);
        if (fdRoute != null && !server.transport().adoptsProgramFds()) {
            v.add("server.transport", ("%s cannot run route %s: its per-connection programs talk over a raw fd (a "
                    + "socketpair end or a pseudo-terminal) that only the epoll transport can take over as a channel")
                    .formatted(server.transport().configName(), quoted(fdRoute)),
                    "auto or epoll while a route has instances: per-connection");
        }
        if (admin != null && admin.port() != 0 && admin.port() == server.port()) {
            v.add("admin.port", "the tunnel listens on port %d (server.port); the admin listener needs its own"
                    .formatted(server.port()), "another port, or 0 for any free port");
        }
        v.throwIfAny();
    }

    /**
     * Whether plain GETs of {@code route}'s paths get the dev console: the route asks for it and the server listens
     * on loopback only, since the console lets whoever loads it talk to the backend.
     */
    public boolean servesDevConsole(RouteSpec route) {
        return route.devConsole() && server.bindsLoopbackOnly();
    }

    /** Whether {@code route} offers permessage-deflate: its own {@code compression}, else the server's. */
    public boolean compresses(RouteSpec route) {
        return route.compression() != null ? route.compression() : server.compression().byDefault();
    }

    /** The route with this key, if any. */
    public Optional<RouteSpec> route(String key) {
        return routes.stream().filter(r -> r.key().equals(key)).findFirst();
    }

    /** A key as it appears in option paths: {@code "/echo/"}, with {@code "} and {@code \} escaped. */
    static String quoted(String key) {
        return '"' + key.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
