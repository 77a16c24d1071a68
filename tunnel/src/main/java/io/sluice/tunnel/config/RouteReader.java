package io.sluice.tunnel.config;

import io.sluice.spawner.spec.BackendGroup;
import io.sluice.spawner.spec.BackendSpec;
import io.sluice.spawner.spec.InvalidOptionException;
import io.sluice.tunnel.config.ConfigOption.Place;
import io.sluice.tunnel.config.Problems.Spot;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads one {@code wstunnel.server} entry, short form (a list of hosts) or long form (route options and
 * {@code hosts:}), into a {@link RouteSpec}. Confined to the loading thread.
 */
final class RouteReader {
    static final String DEV_CONSOLE = "dev-console";
    static final String COMPRESSION = "compression";

    private final HostReader hosts;
    private final Problems problems;

    RouteReader(HostReader hosts, Problems problems) {
        this.hosts = hosts;
        this.problems = problems;
    }

    /** The route, or null when it has problems (all reported). */
    RouteSpec read(String key, Node value, String path, TunnelOptions inherited, Fields wstunnel) {
        int before = problems.count();
        Fields route = null;
        TunnelOptions options = inherited;
        FramingOption.Written routeFraming = FramingOption.Written.NOTHING;
        boolean devConsole = false;
        Boolean compression = null;
        Node hostList;
        String hostsPath;
        if (value instanceof SequenceNode) {
            hostList = value;
            hostsPath = path;
        } else if (value instanceof MappingNode) {
            route = Fields.of(value, path, false, "a mapping", problems);
            OptionKeys.check(route, Place.ROUTE, problems);
            options = TunnelOptions.read(route, inherited, problems);
            routeFraming = FramingOption.read(route, problems);
            devConsole = route.has(DEV_CONSOLE)
                    && ConfinementReader.bool(route.value(DEV_CONSOLE), route.pathOf(DEV_CONSOLE), problems);
            if (route.has(COMPRESSION)) {
                compression = ConfinementReader.bool(route.value(COMPRESSION), route.pathOf(COMPRESSION), problems);
            }
            hostList = route.value("hosts");
            hostsPath = route.pathOf("hosts");
            if (hostList == null) {
                problems.add(route.missing("hosts"), "missing; the long form lists its backends under hosts:",
                        null, null);
                return null;
            }
        } else {
            problems.add(value, path, "expected a list of hosts (short form) or a mapping with hosts: (long form),"
                    + " got " + Values.describe(value));
            return null;
        }
        if (!(hostList instanceof SequenceNode seq)) {
            problems.add(hostList, hostsPath, "expected a list of hosts, got " + Values.describe(hostList));
            return null;
        }
        List<BackendSpec> backends = new ArrayList<>();
        List<FramingOption.Written> hostFraming = new ArrayList<>();
        KeyRule keyRule = null;
        CgiRule cgi = null;
        for (int i = 0; i < seq.getValue().size(); i++) {
            HostReader.Host host = hosts.read(seq.getValue().get(i), hostsPath + "[" + i + "]", key, i);
            backends.add(host == null ? null : host.spec());
            hostFraming.add(host == null ? FramingOption.Written.NOTHING : host.framing());
            keyRule = host == null || host.keyRule() == null ? keyRule : host.keyRule();
            cgi = host == null || host.cgi() == null ? cgi : host.cgi();
        }
        MessageFraming framing = FramingOption.settle(routeFraming, hostFraming, problems);
        if (problems.count() != before) {
            return null;
        }
        Fields routeFields = route;
        try {
            BackendGroup group = new BackendGroup(key, options.balance(), backends);
            return new RouteSpec(key, options.frameType(), options.origins(), options.pingInterval(),
                    options.pongTimeout(), group, keyRule, framing, devConsole, cgi, compression);
        } catch (InvalidOptionException e) {
            problems.add(e, option -> spot(option, routeFields, wstunnel, new Spot(hostsPath, hostList)));
            return null;
        }
    }

    /** A route option's spot: where the route sets it, else where wstunnel sets it, else the route itself. */
    private static Spot spot(String option, Fields route, Fields wstunnel, Spot routeItself) {
        if (option.equals("hosts")) {
            return routeItself;
        }
        Spot spot = route == null ? null : route.spot(option);
        if (spot == null && wstunnel != null) {
            spot = wstunnel.spot(option);
        }
        if (spot != null) {
            return spot;
        }
        return route != null ? route.missing(option) : routeItself;
    }
}
