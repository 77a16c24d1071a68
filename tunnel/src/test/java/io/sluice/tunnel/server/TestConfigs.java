package io.sluice.tunnel.server;

import io.sluice.spawner.spec.BackendAddress;
import io.sluice.spawner.spec.BackendGroup;
import io.sluice.spawner.spec.BackendSpec;
import io.sluice.spawner.spec.LaunchSpec;
import io.sluice.spawner.spec.PerConnectionSpec;
import io.sluice.spawner.spec.PerKeySpec;
import io.sluice.spawner.spec.PoolLimits;
import io.sluice.spawner.spec.BalanceKind;
import io.sluice.tunnel.config.CgiRule;
import io.sluice.tunnel.config.CompressionOptions;
import io.sluice.tunnel.config.ExtensionMapping;
import io.sluice.tunnel.config.FrameType;
import io.sluice.tunnel.config.KeyRule;
import io.sluice.tunnel.config.MessageFraming;
import io.sluice.tunnel.config.OriginPolicy;
import io.sluice.tunnel.config.RouteSpec;
import io.sluice.tunnel.config.ServerOptions;
import io.sluice.tunnel.config.SluiceConfig;
import io.sluice.tunnel.config.TransportPreference;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Builds configurations in code for tunnel tests. */
public final class TestConfigs {
    private TestConfigs() {
    }

    public static RouteSpec route(String key, FrameType type, List<String> origins, Duration ping, Duration pong) {
        BackendAddress address = new BackendAddress.Tcp("127.0.0.1", 9);
        BackendGroup group = new BackendGroup(key, BalanceKind.values()[0],
                List.of(BackendSpec.existing("test", address, Duration.ofSeconds(1), Duration.ofSeconds(2))));
        OriginPolicy policy = origins.isEmpty() ? OriginPolicy.any() : OriginPolicy.of(origins);
        return new RouteSpec(key, type, policy, ping, pong, group);
    }

    public static RouteSpec route(String key) {
        return route(key, FrameType.BINARY, List.of(), Duration.ZERO, Duration.ZERO);
    }

    /** A route whose one host is per-key, its key found by {@code rule}. */
    public static RouteSpec perKeyRoute(String key, KeyRule rule) {
        LaunchSpec launch = new LaunchSpec(Path.of("/bin/cat"), List.of("cat"), Map.of(), Path.of("/"), 15,
                Duration.ofSeconds(5), 16, 0600);
        BackendSpec spec = new BackendSpec("sandbox", new BackendAddress.UnixPath(Path.of("/tmp/sandbox.sock")),
                Duration.ofSeconds(1), Duration.ofSeconds(2), new PoolLimits(0, 4, 1, Duration.ofSeconds(60)), launch,
                new PerKeySpec(0, Duration.ZERO, Duration.ofSeconds(10), null, false), false);
        return new RouteSpec(key, FrameType.BINARY, OriginPolicy.any(), Duration.ZERO, Duration.ZERO,
                new BackendGroup(key, BalanceKind.values()[0], List.of(spec)), rule, MessageFraming.STREAM, false, null);
    }

    /** A route whose one host is per-connection ({@code /bin/cat}), with {@code pass-credentials} as given. */
    public static RouteSpec perConnectionRoute(String key, boolean passCredentials) {
        LaunchSpec launch = new LaunchSpec(Path.of("/bin/cat"), List.of("cat"), Map.of(), Path.of("/"), 15,
                Duration.ofSeconds(5), 16, 0600);
        BackendSpec spec = new BackendSpec("cat", new BackendAddress.Stdio(Path.of("/bin/cat")),
                Duration.ofSeconds(1), Duration.ofSeconds(2), new PoolLimits(0, 4, 1, Duration.ZERO), launch, null,
                false, new PerConnectionSpec(false));
        return new RouteSpec(key, FrameType.BINARY, OriginPolicy.any(), Duration.ZERO, Duration.ZERO,
                new BackendGroup(key, BalanceKind.values()[0], List.of(spec)), null, MessageFraming.STREAM, false,
                new CgiRule(passCredentials));
    }

    public static ServerOptions server(Path documentRoot, int maxConnections, Duration maxReadIdle,
            long maxMessageSize) {
        return new ServerOptions("127.0.0.1", 0, documentRoot, Path.of("/tmp"), maxConnections,
                Duration.ofSeconds(10), maxReadIdle, maxMessageSize, Duration.ofSeconds(3), 1,
                ServerOptions.DEFAULT_TCP_KEEPALIVE);
    }

    /** The defaults of {@link #server}, on {@code transport}. */
    public static ServerOptions server(TransportPreference transport) {
        return new ServerOptions("127.0.0.1", 0, null, Path.of("/tmp"), 100, Duration.ofSeconds(10), Duration.ZERO, 0,
                Duration.ofSeconds(3), 1, ServerOptions.DEFAULT_TCP_KEEPALIVE, null, CompressionOptions.DEFAULTS, null,
                transport);
    }

    public static SluiceConfig config(ServerOptions server, List<ExtensionMapping> mappings, RouteSpec... routes) {
        return new SluiceConfig(null, server, 0, mappings, List.of(routes));
    }

    public static SluiceConfig config(RouteSpec... routes) {
        return config(server(null, 100, Duration.ZERO, 0), List.of(), routes);
    }
}
