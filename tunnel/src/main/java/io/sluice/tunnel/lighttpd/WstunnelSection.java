package io.sluice.tunnel.lighttpd;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * lighttpd's {@code wstunnel.*} options as Sluice's {@code wstunnel:} section: the global ones as defaults, every
 * {@code wstunnel.server} (global, or in a {@code $HTTP["url"]} block whose other {@code wstunnel.*} options become
 * that route's options) as routes in config order. Stateless apart from the notes.
 */
final class WstunnelSection {
    private static final List<String> ROUTE_OPTIONS = List.of("wstunnel.frame-type", "wstunnel.balance",
            "wstunnel.origins", "wstunnel.ping-interval");
    private static final Set<String> BALANCES = Set.of("fair", "least-connection", "round-robin", "hash", "sticky");

    private final LighttpdConfig config;
    private final Notes notes;
    private final HostTranslator hosts;
    private final Set<String> routeKeys = new LinkedHashSet<>();
    private final Path file;

    WstunnelSection(LighttpdConfig config, Notes notes, Path file) {
        this.config = config;
        this.file = file;
        this.notes = notes;
        this.hosts = new HostTranslator(notes);
    }

    void write(YamlLines y) {
        Map<String, Directive> global = config.global();
        y.line(0, "wstunnel:");
        Directive debug = notes.use(global.get("wstunnel.debug"));
        Long level = debug == null ? null : notes.integer(debug.value(), debug.where(), "wstunnel.debug");
        if (level != null) {
            y.line(2, "debug: " + level);
        }
        routeOptions(y, 2, global, true);
        StringBuilder routes = new StringBuilder();
        YamlLines r = new YamlLines();
        Directive server = notes.use(global.get("wstunnel.server"));
        if (server != null) {
            routes(r, server, null, null);
        }
        for (Condition c : config.conditions()) {
            Map<String, Directive> block = config.block(c);
            Directive inner = block.get("wstunnel.server");
            if (inner == null) {
                continue;
            }
            notes.use(inner);
            if (c.parent() != null) {
                notes.warn(c.where(), "%s is nested in %s; only the inner condition is translated".formatted(c,
                        c.parent()));
            }
            String scope = c.isUrl() ? RouteKeys.conditionKey(c, notes) : null;
            if (!c.isUrl()) {
                notes.warn(c.where(), "%s has no Sluice equivalent; its routes are translated as if unconditional"
                        .formatted(c));
            } else if (scope == null) {
                continue;
            }
            routes(r, inner, c, scope);
        }
        routes.append(r);
        mapExtensions(y, global);
        if (routeKeys.isEmpty()) {
            notes.warn(new Location(file, 1), "no wstunnel.server found: the result has no route and does not pass"
                    + " sluice check");
        }
        y.line(2, "server:");
        for (String line : routes.toString().split("\n", -1)) {
            if (!line.isEmpty()) {
                y.line(0, line);
            }
        }
    }

    /** The route options a block sets; at the top ({@code defaults}) also lighttpd's defaults where they differ. */
    private boolean routeOptions(YamlLines y, int indent, Map<String, Directive> block, boolean defaults) {
        boolean any = false;
        Directive type = notes.use(block.get("wstunnel.frame-type"));
        if (type != null && notes.string(type.value(), type.where(), "wstunnel.frame-type") != null) {
            boolean binary = type.value().text().equalsIgnoreCase("binary");
            if (!binary && !type.value().text().equals("text")) {
                y.comment(indent, "lighttpd took frame-type \"%s\" as text; Sluice accepts only text or binary."
                        .formatted(type.value().text()));
            }
            y.line(indent, "frame-type: " + (binary ? "binary" : "text"));
            any = true;
        }
        Directive balance = notes.use(block.get("wstunnel.balance"));
        if (balance != null && notes.string(balance.value(), balance.where(), "wstunnel.balance") != null) {
            String name = balance.value().text();
            if (!BALANCES.contains(name)) {
                notes.warn(balance.where(), "wstunnel.balance \"%s\" is no policy; lighttpd fell back to"
                        .formatted(name) + " least-connection, written so");
                name = "least-connection";
            }
            y.line(indent, "balance: " + name);
            any = true;
        }
        Directive origins = notes.use(block.get("wstunnel.origins"));
        if (origins != null) {
            origins(y, indent, origins);
            any = true;
        }
        Directive ping = notes.use(block.get("wstunnel.ping-interval"));
        Long interval = ping == null ? null : notes.integer(ping.value(), ping.where(), "wstunnel.ping-interval");
        if (interval != null || defaults) {
            y.comment(indent, (interval == null ? "lighttpd's default: no pings. " : "")
                    + "lighttpd pings every interval + 1 s and never checks pongs; Sluice pings exactly every"
                    + " ping-interval and closes a tunnel with 1001 when no pong came for pong-timeout (60s). Sluice's"
                    + " default is 30s (" + Notes.DOC + "#fixed).");
            y.line(indent, "ping-interval: " + (interval == null ? 0 : interval));
            any = true;
        }
        return any;
    }

    private void origins(YamlLines y, int indent, Directive origins) {
        if (!(origins.value() instanceof Value.Arr list)) {
            notes.warn(origins.where(), "wstunnel.origins: expected an array; not translated");
            return;
        }
        List<String> kept = new ArrayList<>();
        for (Value.Entry e : list.entries()) {
            String o = e.value().text();
            if (o == null || o.isEmpty() || o.startsWith("*.") || o.endsWith("/")) {
                notes.warn(e.where(), "origin \"%s\" has no Sluice form (write a host such as example.com, or"
                        .formatted(o) + " scheme://host[:port]); not translated");
            } else {
                kept.add(YamlLines.scalar(o));
            }
        }
        y.comment(indent, "lighttpd matched origins as byte suffixes (case-sensitive, scheme and port ignored);"
                + " Sluice parses them: example.com is that host and its subdomains over http(s)/ws(s),"
                + " https://a.example exactly that origin (" + Notes.DOC + "#different-defaults).");
        y.line(indent, "origins: [" + String.join(", ", kept) + "]");
    }

    private void routes(YamlLines r, Directive server, Condition c, String scope) {
        if (!(server.value() instanceof Value.Arr keys)) {
            notes.warn(server.where(), "wstunnel.server: expected an array; not translated");
            return;
        }
        for (Value.Entry e : keys.entries()) {
            if (e.key() == null || !(e.value() instanceof Value.Arr hostList)) {
                notes.warn(e.where(), "wstunnel.server: expected \"key\" => ( hosts ); not translated");
                continue;
            }
            String key = scope == null ? e.key() : RouteKeys.combine(scope, e.key(), c, notes, e.where());
            if (key == null) {
                continue;
            }
            if (!routeKeys.add(key)) {
                notes.warn(e.where(), "route \"%s\" again: lighttpd merged the host lists, Sluice keeps the first"
                        .formatted(key) + " one; not translated");
                continue;
            }
            r.comment(4, "lighttpd: %s%s (%s)".formatted(c == null ? "" : c + ", ",
                    "key \"" + e.key() + "\"", e.where()));
            r.line(4, YamlLines.quoted(key) + ":");
            YamlLines options = new YamlLines();
            boolean longForm = c != null && routeOptions(options, 6, config.block(c), false);
            int hostIndent = 6;
            if (longForm) {
                r.line(0, options.toString().stripTrailing());
                r.line(6, "hosts:");
                hostIndent = 8;
            }
            for (Value.Entry host : hostList.entries()) {
                if (!(host.value() instanceof Value.Arr opts)) {
                    notes.warn(host.where(), "a host must be an array of options; not translated");
                    continue;
                }
                hosts.write(r, hostIndent, host.key(), opts, host.where());
            }
        }
    }

    private void mapExtensions(YamlLines y, Map<String, Directive> global) {
        Directive map = notes.use(global.get("wstunnel.map-extensions"));
        if (map == null) {
            return;
        }
        if (!(map.value() instanceof Value.Arr entries)) {
            notes.warn(map.where(), "wstunnel.map-extensions: expected an array; not translated");
            return;
        }
        List<String> lines = new ArrayList<>();
        for (Value.Entry e : entries.entries()) {
            String target = e.value().text();
            if (e.key() == null || target == null || !routeKeys.contains(target)) {
                notes.warn(e.where(), "map-extensions \"%s\" => \"%s\": not a route key; not translated"
                        .formatted(e.key(), target));
                continue;
            }
            lines.add(YamlLines.quoted(e.key()) + ": " + YamlLines.quoted(target));
        }
        if (!lines.isEmpty()) {
            y.line(2, "map-extensions:");
            lines.forEach(l -> y.line(4, l));
        }
    }
}
