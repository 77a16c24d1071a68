package io.sluice.tunnel.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A whole, valid configuration. {@code file} is where it was read from (null when built in code); routes and
 * extension mappings keep config order, which is match order.
 */
public record SluiceConfig(
        Path file,
        ServerOptions server,
        int debug,
        List<ExtensionMapping> mapExtensions,
        List<RouteSpec> routes) {

    public SluiceConfig {
        Objects.requireNonNull(server, "server");
        mapExtensions = List.copyOf(mapExtensions);
        routes = List.copyOf(routes);
    }
}
