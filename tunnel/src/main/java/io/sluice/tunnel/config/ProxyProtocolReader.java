package io.sluice.tunnel.config;

import io.sluice.spawner.spec.InvalidOptionException;
import io.sluice.tunnel.config.ConfigOption.Place;
import java.util.List;
import org.yaml.snakeyaml.nodes.Node;

/** Reads {@code server.proxy-protocol} into {@link ProxyProtocolOptions}; confined to the loading thread. */
final class ProxyProtocolReader {
    private final Problems problems;

    ProxyProtocolReader(Problems problems) {
        this.problems = problems;
    }

    /** The options, or null when they have problems (all reported). */
    ProxyProtocolOptions read(Node node, String path) {
        Fields f = Fields.of(node, path, false, "a mapping with accept: [addresses or CIDR blocks]", problems);
        if (f == null) {
            return null;
        }
        int before = problems.count();
        OptionKeys.check(f, Place.PROXY_PROTOCOL, problems);
        if (!f.has("accept")) {
            problems.add(f.node(), f.pathOf("accept"), "required: the load balancers' addresses",
                    AddressBlock.ALLOWED, null);
            return null;
        }
        List<String> blocks = Values.strings(f.value("accept"), f.pathOf("accept"), problems);
        if (blocks == null) {
            return null;
        }
        try {
            ProxyProtocolOptions options = ProxyProtocolOptions.of(blocks);
            return problems.count() == before ? options : null;
        } catch (InvalidOptionException e) {
            problems.add(e, option -> f.spot(option) != null ? f.spot(option) : f.missing(option));
            return null;
        }
    }
}
