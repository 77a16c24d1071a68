package io.sluice.it.harness;

import io.sluice.spawner.MonotonicClock;
import io.sluice.spawner.Supervisor;
import io.sluice.spawner.spec.BackendGroup;
import io.sluice.tunnel.config.ConfigLoader;
import io.sluice.tunnel.config.RouteSpec;
import io.sluice.tunnel.config.SluiceConfig;
import io.sluice.tunnel.server.TunnelServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real Sluice in this JVM: the configuration loaded from a YAML file like the CLI does, the real supervisor and
 * the real tunnel server on 127.0.0.1 and a free port. Closing it stops both, gracefully.
 */
public final class RunningSluice implements AutoCloseable {
    private final Supervisor supervisor;
    private final TunnelServer server;
    private final InetSocketAddress address;

    private RunningSluice(SluiceConfig config) throws Exception {
        List<BackendGroup> groups = config.routes().stream().map(RouteSpec::backends).toList();
        supervisor = new Supervisor(groups, MonotonicClock.startingNow(), config.server().runtimeDir());
        supervisor.start();
        server = new TunnelServer(config, supervisor.registry());
        try {
            address = server.start();
        } catch (Exception e) {
            supervisor.stop();
            throw e;
        }
    }

    /** Writes {@code yaml} to {@code dir/sluice.yaml}, loads it and starts; the YAML should say {@code port: 0}. */
    public static RunningSluice start(Path dir, String yaml) throws Exception {
        Path file = dir.resolve("sluice.yaml");
        Files.writeString(file, yaml);
        return new RunningSluice(ConfigLoader.load(file));
    }

    public InetSocketAddress address() {
        return address;
    }

    public URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + address.getPort() + path);
    }

    public TunnelServer server() {
        return server;
    }

    /** The real supervisor, for what it publishes (per-key status). */
    public Supervisor supervisor() {
        return supervisor;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } finally {
            supervisor.stop();
        }
    }
}
