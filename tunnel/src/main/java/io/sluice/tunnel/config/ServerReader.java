package io.sluice.tunnel.config;

import io.sluice.spawner.spec.InvalidOptionException;
import io.sluice.tunnel.config.ConfigOption.Place;
import io.sluice.tunnel.config.Problems.Spot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.yaml.snakeyaml.nodes.Node;

/** Reads the {@code server:} section into {@link ServerOptions}; confined to the loading thread. */
final class ServerReader {
    private final Path baseDir;
    private final Problems problems;

    ServerReader(Path baseDir, Problems problems) {
        this.baseDir = baseDir;
        this.problems = problems;
    }

    /** The options, or null when they have problems (all reported). {@code node} null means the section is absent. */
    ServerOptions read(Node node) {
        if (node == null) {
            return ServerOptions.defaults(ServerOptions.defaultRuntimeDir());
        }
        Fields f = Fields.of(node, "server", false, "a mapping of server options", problems);
        if (f == null) {
            return null;
        }
        int before = problems.count();
        OptionKeys.check(f, Place.SERVER, problems);
        String bind = or(str(f, "bind"), ServerOptions.DEFAULT_BIND);
        Integer port = f.has("port") ? Values.integer(f.value("port"), f.pathOf("port"), problems) : null;
        Path documentRoot = f.has("document-root") ? documentRoot(f) : null;
        String runtime = str(f, "runtime-dir");
        Path runtimeDir = runtime == null ? ServerOptions.defaultRuntimeDir() : baseDir.resolve(runtime).normalize();
        Integer maxConnections = f.has("max-connections")
                ? Values.integer(f.value("max-connections"), f.pathOf("max-connections"), problems) : null;
        Duration handshake = duration(f, "handshake-timeout", ServerOptions.DEFAULT_HANDSHAKE_TIMEOUT);
        Duration readIdle = duration(f, "max-read-idle", ServerOptions.DEFAULT_MAX_READ_IDLE);
        Long maxMessage = f.has("max-message-size")
                ? Values.size(f.value("max-message-size"), f.pathOf("max-message-size"), problems) : null;
        Duration graceful = duration(f, "graceful-shutdown-timeout", ServerOptions.DEFAULT_GRACEFUL_SHUTDOWN_TIMEOUT);
        Integer ioThreads = f.has("io-threads")
                ? Values.integer(f.value("io-threads"), f.pathOf("io-threads"), problems) : null;
        Duration keepalive = duration(f, "tcp-keepalive", ServerOptions.DEFAULT_TCP_KEEPALIVE);
        try {
            ServerOptions options = new ServerOptions(bind, or(port, ServerOptions.DEFAULT_PORT), documentRoot,
                    runtimeDir, or(maxConnections, ServerOptions.DEFAULT_MAX_CONNECTIONS), handshake, readIdle,
                    or(maxMessage, ServerOptions.DEFAULT_MAX_MESSAGE_SIZE), graceful,
                    or(ioThreads, ServerOptions.AUTO_IO_THREADS), keepalive);
            return problems.count() == before ? options : null;
        } catch (InvalidOptionException e) {
            problems.add(e, option -> spot(f, option));
            return null;
        }
    }

    private Path documentRoot(Fields f) {
        String text = str(f, "document-root");
        if (text == null) {
            return null;
        }
        Path dir = baseDir.resolve(text).normalize();
        if (!Files.isDirectory(dir)) {
            problems.add(f.value("document-root"), f.pathOf("document-root"),
                    (Files.exists(dir) ? "%s is not a directory" : "no such directory: %s").formatted(dir));
            return null;
        }
        return dir;
    }

    private String str(Fields f, String key) {
        return f.has(key) ? Values.string(f.value(key), f.pathOf(key), problems) : null;
    }

    private Duration duration(Fields f, String key, Duration fallback) {
        Duration d = f.has(key) ? Values.duration(f.value(key), f.pathOf(key), problems) : null;
        return d == null ? fallback : d;
    }

    private static Spot spot(Fields f, String option) {
        Spot spot = f.spot(option);
        return spot != null ? spot : f.missing(option);
    }

    private static <T> T or(T value, T fallback) {
        return value == null ? fallback : value;
    }
}
