package io.sluice.tunnel.config;

import io.sluice.tunnel.config.ConfigOption.Place;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads the {@code wstunnel:} section: debug, the route defaults, {@code map-extensions} and the routes, in config
 * order. Confined to the loading thread; one instance per load.
 */
final class WstunnelReader {
    private final RouteReader routeReader;
    private final Problems problems;

    private Fields fields;
    private int debug;
    private final List<ExtensionMapping> mappings = new ArrayList<>();
    private final List<RouteSpec> routes = new ArrayList<>();
    private final Set<String> failedRoutes = new TreeSet<>();
    private boolean unreadable;

    WstunnelReader(RouteReader routeReader, Problems problems) {
        this.routeReader = routeReader;
        this.problems = problems;
    }

    /** Reads the section; {@code node} is null when it is absent (then there are no routes). */
    void read(Node node) {
        if (node == null) {
            return;
        }
        fields = Fields.of(node, "wstunnel", false, "a mapping of wstunnel options", problems);
        if (fields == null) {
            unreadable = true;
            return;
        }
        OptionKeys.check(fields, Place.WSTUNNEL, problems);
        if (fields.has("debug")) {
            Integer level = Values.integer(fields.value("debug"), fields.pathOf("debug"), problems);
            debug = level == null ? 0 : level;
        }
        TunnelOptions defaults = TunnelOptions.read(fields, TunnelOptions.DEFAULTS, problems);
        readMappings();
        readRoutes(defaults);
    }

    private void readMappings() {
        if (!fields.has("map-extensions")) {
            return;
        }
        String path = fields.pathOf("map-extensions");
        Fields map = Fields.of(fields.value("map-extensions"), path, true,
                "a mapping of path suffix to route key", problems);
        if (map == null) {
            return;
        }
        for (String suffix : map.keys()) {
            String key = Values.string(map.value(suffix), map.pathOf(suffix), problems);
            if (key != null) {
                mappings.add(new ExtensionMapping(suffix, key));
            }
        }
    }

    private void readRoutes(TunnelOptions defaults) {
        if (!fields.has("server")) {
            return;
        }
        Fields server = Fields.of(fields.value("server"), fields.pathOf("server"), true,
                "a mapping of route key to hosts", problems);
        if (server == null) {
            unreadable = true;
            return;
        }
        for (String key : server.keys()) {
            RouteSpec route = routeReader.read(key, server.value(key), server.pathOf(key), defaults, fields);
            if (route == null) {
                failedRoutes.add(key);
            } else {
                routes.add(route);
            }
        }
    }

    /** The section's fields, or null when it is absent or not a mapping. */
    Fields fields() {
        return fields;
    }

    int debug() {
        return debug;
    }

    List<ExtensionMapping> mappings() {
        return mappings;
    }

    List<RouteSpec> routes() {
        return routes;
    }

    /**
     * Whether the whole-config rules can be checked without false alarms: the section and its routes could be read
     * (a route with problems is left out, so every route failing would look like no routes at all).
     */
    boolean complete() {
        return !unreadable && !(routes.isEmpty() && !failedRoutes.isEmpty());
    }

    /** Keys of routes that had problems: mappings to them are not checked again. */
    Set<String> failedRoutes() {
        return failedRoutes;
    }
}
