package io.sluice.tunnel.config;

import io.sluice.spawner.spec.BackendAddress;
import io.sluice.spawner.spec.BackendSpec;
import io.sluice.spawner.spec.InvalidOptionException;
import io.sluice.tunnel.config.ConfigOption.Place;
import io.sluice.tunnel.config.Problems.Spot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads one host entry of a route into a {@link BackendSpec}; remembers every socket path so a second use is
 * reported with both places. Confined to the loading thread; one instance per load.
 */
final class HostReader {
    static final String DEFAULT_HOST = "127.0.0.1";
    static final Duration DEFAULT_DISABLE_TIME = Duration.ofSeconds(1);
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(8);
    /** {@code sun_path} is 108 bytes on Linux, including the terminating NUL. */
    static final int MAX_SOCKET_PATH_BYTES = 107;

    private static final String ADDRESS = "either host and port (a TCP backend) or socket (a unix socket)";

    private final Path baseDir;
    private final Problems problems;
    private final Map<Path, Spot> sockets = new HashMap<>();

    HostReader(Path baseDir, Problems problems) {
        this.baseDir = baseDir;
        this.problems = problems;
    }

    /** The backend, or null when the entry has problems (all reported). */
    BackendSpec read(Node node, String path) {
        Fields f = Fields.of(node, path, false, "a mapping of host options", problems);
        if (f == null) {
            return null;
        }
        int before = problems.count();
        OptionKeys.check(f, Place.HOST, problems);
        String host = f.has("host") ? Values.string(f.value("host"), f.pathOf("host"), problems) : null;
        Integer port = f.has("port") ? Values.integer(f.value("port"), f.pathOf("port"), problems) : null;
        String socket = f.has("socket") ? Values.string(f.value("socket"), f.pathOf("socket"), problems) : null;
        String name = f.has("name") ? Values.string(f.value("name"), f.pathOf("name"), problems) : null;
        Duration disable = duration(f, "disable-time", DEFAULT_DISABLE_TIME);
        Duration connect = duration(f, "connect-timeout", DEFAULT_CONNECT_TIMEOUT);
        BackendAddress address = address(f, host, port, socket);
        if (address == null || problems.count() != before) {
            return null;
        }
        try {
            return BackendSpec.existing(name == null ? address.describe() : name, address, disable, connect);
        } catch (InvalidOptionException e) {
            problems.add(e, option -> spot(f, option));
            return null;
        }
    }

    private BackendAddress address(Fields f, String host, Integer port, String socket) {
        boolean tcp = f.has("host") || f.has("port");
        if (f.has("socket") && tcp) {
            problems.add(f.keyNode("socket"), f.pathOf("socket"), "cannot be combined with "
                    + (f.has("host") ? "host" : "port"), ADDRESS, null);
            return null;
        }
        if (!f.has("socket") && !tcp) {
            problems.add(f.node(), f.path(), "no address", ADDRESS, null);
            return null;
        }
        if (f.has("socket")) {
            return socket == null ? null : unixPath(f, socket);
        }
        if (f.has("host") && !f.has("port")) {
            problems.add(f.node(), f.pathOf("port"), "missing; a host needs a port", null, null);
            return null;
        }
        if (host != null && (host.isBlank() || host.startsWith("/"))) {
            problems.add(f.value("host"), f.pathOf("host"), host.isBlank() ? "must not be empty"
                    : "'%s' looks like a path; use socket: for a unix socket".formatted(host));
            return null;
        }
        if (port == null || (f.has("host") && host == null)) {
            return null;
        }
        try {
            return new BackendAddress.Tcp(host == null ? DEFAULT_HOST : host, port);
        } catch (InvalidOptionException e) {
            problems.add(e, option -> spot(f, option));
            return null;
        }
    }

    private BackendAddress unixPath(Fields f, String socket) {
        Node node = f.value("socket");
        String where = f.pathOf("socket");
        if (socket.isBlank()) {
            problems.add(node, where, "must not be empty");
            return null;
        }
        Path path = baseDir.resolve(socket).normalize();
        int bytes = path.toString().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_SOCKET_PATH_BYTES) {
            problems.add(node, where, "%s is %d bytes long; the limit is %d bytes (sun_path)"
                    .formatted(path, bytes, MAX_SOCKET_PATH_BYTES), null, null);
            return null;
        }
        Spot first = sockets.putIfAbsent(path, new Spot(where, node));
        if (first != null) {
            problems.add(node, where, "%s is already the socket of %s (line %d)".formatted(path, first.path(),
                    first.node().getStartMark().getLine() + 1));
            return null;
        }
        return new BackendAddress.UnixPath(path);
    }

    private Duration duration(Fields f, String key, Duration fallback) {
        Duration d = f.has(key) ? Values.duration(f.value(key), f.pathOf(key), problems) : null;
        return d == null ? fallback : d;
    }

    private static Spot spot(Fields f, String option) {
        Spot spot = f.spot(option);
        return spot != null ? spot : f.missing(option);
    }
}
