package io.sluice.tunnel.config;

import io.sluice.spawner.spec.InvalidOptionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a reload changes between the running configuration and a newly loaded one: the routes added, changed (same
 * key, any effective setting different: {@link RouteSpec} record equality, hosts included), removed and kept, in
 * config order; the settings a reload cannot change while Sluice runs ({@code refused}, each a sentence naming the
 * option, both values and "restart needed"), and the configuration to apply: the loaded one with those settings kept
 * at their running values. A changed {@code server.runtime-dir} blocks the whole reload ({@code blocker}): it holds the
 * lock and the ledger of the running workers, and the new routes' generated socket paths were resolved inside it; so
 * does a per-connection route the running {@code server.transport} cannot run. Immutable; pure.
 */
public record ConfigChange(
        List<String> added,
        List<String> changed,
        List<String> removed,
        List<String> kept,
        List<String> refused,
        String blocker,
        SluiceConfig applied) {

    public ConfigChange {
        added = List.copyOf(added);
        changed = List.copyOf(changed);
        removed = List.copyOf(removed);
        kept = List.copyOf(kept);
        refused = List.copyOf(refused);
        Objects.requireNonNull(applied, "applied");
    }

    /** The change from {@code running} to {@code loaded}. */
    public static ConfigChange between(SluiceConfig running, SluiceConfig loaded) {
        List<String> added = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (RouteSpec route : loaded.routes()) {
            RouteSpec before = running.route(route.key()).orElse(null);
            (before == null ? added : before.equals(route) ? kept : changed).add(route.key());
        }
        List<String> removed = running.routes().stream().map(RouteSpec::key)
                .filter(key -> loaded.route(key).isEmpty()).toList();
        ServerOptions was = running.server();
        ServerOptions now = loaded.server();
        List<String> refused = new ArrayList<>();
        refuse(refused, "server.bind", was, now, ServerOptions::bind);
        refuse(refused, "server.port", was, now, ServerOptions::port);
        refuse(refused, "server.io-threads", was, now, ServerOptions::ioThreads);
        refuse(refused, "server.max-connections", was, now, ServerOptions::maxConnections);
        refuse(refused, "server.tcp-keepalive", was, now, server -> Durations.format(server.tcpKeepalive()));
        refuse(refused, "server.tls", was, now, server -> server.tls() == null ? "off" : "on");
        refuse(refused, "server.transport", was, now, server -> server.transport().configName());
        refuse(refused, "admin", running, loaded, config -> config.admin() == null ? "off" : describe(config.admin()));
        refuse(refused, "access-log", running, loaded, config -> config.accessLog() == null ? "off"
                : config.accessLog().file() + " (" + config.accessLog().format() + ")");
        String blocker = was.runtimeDir().equals(now.runtimeDir()) ? null
                : ("server.runtime-dir changed from %s to %s: it holds the lock and the process ledger of the running "
                        + "workers, so a reload cannot move it; change it back, or restart Sluice")
                        .formatted(was.runtimeDir(), now.runtimeDir());
        SluiceConfig applied;
        try {
            applied = new SluiceConfig(loaded.file(), now.withListenerOf(was), loaded.debug(),
                    loaded.mapExtensions(), loaded.routes(), running.admin(), running.accessLog());
        } catch (InvalidOptionException e) {
            // The loaded routes are fine on the loaded transport but not on the running one (a per-connection route
            // while io_uring or nio runs): nothing of it can be applied.
            applied = running;
            blocker = blocker != null ? blocker : "%s: %s; the running transport stays until a restart".formatted(
                    e.option(), e.problem());
        }
        return new ConfigChange(added, changed, removed, kept, refused, blocker, applied);
    }

    private static <T> void refuse(List<String> refused, String option, T was, T now, Function<T, Object> value) {
        Object before = value.apply(was);
        Object after = value.apply(now);
        if (!Objects.equals(before, after)) {
            refused.add("%s: not changed from %s to %s: the listener cannot change while it runs; restart needed"
                    .formatted(option, shown(before), shown(after)));
        }
    }

    private static String shown(Object value) {
        return value == null ? "none" : value.toString();
    }

    /** The admin listener without its token, which must never reach a log. */
    private static String describe(AdminOptions admin) {
        return "%s:%d%s".formatted(admin.bind(), admin.port(), admin.tokenFile() == null ? "" : " with a token from "
                + admin.tokenFile());
    }

    /** The routes a running session may belong to and that this change ends: the changed and the removed ones. */
    public List<String> retired() {
        List<String> retired = new ArrayList<>(changed);
        retired.addAll(removed);
        return retired;
    }

    /** The one INFO line of a reload: what was added, changed, removed and kept. */
    public String summary() {
        return "added %s; changed %s; removed %s; kept %s".formatted(list(added), list(changed), list(removed),
                list(kept));
    }

    private static String list(List<String> keys) {
        return keys.isEmpty() ? "none" : keys.stream().map(SluiceConfig::quoted).collect(Collectors.joining(", "));
    }
}
