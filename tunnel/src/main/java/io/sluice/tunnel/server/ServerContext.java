package io.sluice.tunnel.server;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.sluice.spawner.registry.Registry;
import io.sluice.tunnel.config.RouteSpec;
import io.sluice.tunnel.config.SluiceConfig;
import io.sluice.tunnel.session.BackendConnector;
import io.sluice.tunnel.session.ClientAddresses;
import io.sluice.tunnel.session.Framing;
import io.sluice.tunnel.session.Refusal;
import io.sluice.tunnel.session.SessionSettings;
import io.sluice.tunnel.session.TunnelStats;
import io.sluice.tunnel.tls.ServerTlsContext;

/**
 * What every connection of one server shares: config, route table, static files (null when there is no document
 * root), the registry, the backend connector, counters, and the TLS context (null for plain ws://). Thread-safe:
 * immutable apart from the connection count and the stats, both thread-safe. A reload replaces the whole context at
 * once ({@link #reloaded}), so a request sees one configuration's routes with that configuration's registry.
 */
record ServerContext(
        SluiceConfig config,
        RouteTable routes,
        StaticFiles staticFiles,
        Registry registry,
        BackendConnector connector,
        TunnelStats stats,
        ConnectionCap connections,
        ServerTlsContext tls) {

    /** A context without TLS. */
    ServerContext(SluiceConfig config, RouteTable routes, StaticFiles staticFiles, Registry registry,
                  BackendConnector connector, TunnelStats stats, ConnectionCap connections) {
        this(config, routes, staticFiles, registry, connector, stats, connections, null);
    }

    /** The context of a reloaded configuration; connector, stats and the connection count carry over. */
    ServerContext reloaded(SluiceConfig next, StaticFiles nextStaticFiles, Registry nextRegistry,
                           ServerTlsContext nextTls) {
        return new ServerContext(next, new RouteTable(next), nextStaticFiles, nextRegistry, connector, stats,
                connections, nextTls);
    }

    /**
     * Reports a refused WebSocket handshake (its route matched again from {@code uri}, "" when none) to the stats
     * and their observer.
     */
    void refused(Channel client, String uri, HttpResponseStatus status, String text) {
        RequestPath path = RequestPath.of(uri);
        RouteSpec route = path == null ? null : routes.match(path.bytes());
        stats.refused(Refusal.now(ClientAddresses.remoteOf(client), route == null ? TunnelStats.NO_ROUTE : route.key(),
                status.code(), text));
    }

    /** The route whose dev console answers a plain request for {@code path}, or null. */
    RouteSpec devConsoleFor(RequestPath path) {
        if (path == null) {
            return null;
        }
        RouteSpec route = routes.match(path.bytes());
        return route != null && config.servesDevConsole(route) ? route : null;
    }

    /** How sessions of {@code route} cut their streams into messages ({@code framing}). */
    Framing framingFor(RouteSpec route) {
        return FrameFraming.of(route.framing());
    }

    SessionSettings settingsFor(RouteSpec route) {
        var server = config.server();
        return new SessionSettings(route.pingInterval(), route.pongTimeout(), server.maxReadIdle(),
                server.gracefulShutdownTimeout(), SessionSettings.DEFAULT_LINGER);
    }
}
