package io.sluice.tunnel.config;

import io.sluice.spawner.spec.BackendAddress;
import io.sluice.spawner.spec.BackendSpec;
import io.sluice.spawner.spec.InvalidOptionException;
import io.sluice.spawner.spec.PoolLimits;
import io.sluice.tunnel.config.ConfigOption.Place;
import io.sluice.tunnel.config.LaunchReader.Launch;
import io.sluice.tunnel.config.Problems.Spot;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads one host entry of a route into a {@link BackendSpec}: an existing server, or with {@code bin-path} a pool of
 * spawned workers or one worker per key (with the route's {@link KeyRule}). Checks that no two hosts share an
 * address, reporting both places. Confined to the loading thread; one instance per load.
 */
final class HostReader {
    static final String DEFAULT_HOST = "127.0.0.1";
    static final Duration DEFAULT_DISABLE_TIME = Duration.ofSeconds(1);
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(8);
    /** {@code sun_path} is 108 bytes on Linux, including the terminating NUL. */
    static final int MAX_SOCKET_PATH_BYTES = 107;

    private static final String ADDRESS = "either host and port (a TCP backend) or socket (a unix socket)";
    /** What a per-key worker's socket adds to the host's: "-" and 16 hex digits of a hash of the key. */
    static final int PER_KEY_SUFFIX_BYTES = 17;

    /**
     * A host: its backend, for a per-key host how its route finds a session's key (else null), the framing options
     * it wrote (settled for the whole route by {@link FramingOption#settle}), and for a per-connection host what goes
     * into its programs' CGI environment (else null).
     */
    record Host(BackendSpec spec, KeyRule keyRule, FramingOption.Written framing, CgiRule cgi) {
    }

    private final Path baseDir;
    private final Path runtimeDir;
    private final Problems problems;
    private final LaunchReader launches;
    private final AddressClaims claims = new AddressClaims();

    HostReader(Path baseDir, Path runtimeDir, SystemFacts facts, Problems problems) {
        this.baseDir = baseDir;
        this.runtimeDir = runtimeDir;
        this.problems = problems;
        this.launches = new LaunchReader(baseDir, facts, problems);
    }

    /** The host, or null when the entry has problems (all reported). */
    Host read(Node node, String path, String routeKey, int index) {
        Fields f = Fields.of(node, path, false, "a mapping of host options", problems);
        if (f == null) {
            return null;
        }
        int before = problems.count();
        OptionKeys.check(f, Place.HOST, problems);
        FramingOption.Written framing = FramingOption.read(f, problems);
        String host = f.has("host") ? Values.string(f.value("host"), f.pathOf("host"), problems) : null;
        Integer port = f.has("port") ? Values.integer(f.value("port"), f.pathOf("port"), problems) : null;
        String socket = f.has("socket") ? Values.string(f.value("socket"), f.pathOf("socket"), problems) : null;
        String name = f.has("name") ? Values.string(f.value("name"), f.pathOf("name"), problems) : null;
        Duration disable = duration(f, "disable-time", DEFAULT_DISABLE_TIME);
        Duration connect = duration(f, "connect-timeout", DEFAULT_CONNECT_TIMEOUT);
        boolean spawned = f.has("bin-path");
        boolean proxyProtocol = f.has("proxy-protocol") && proxyProtocol(f);
        Launch launch = null;
        if (spawned) {
            launch = launches.read(f, routeKey);
        } else {
            launches.rejectWithoutBinPath(f);
            PerKeyReader.rejectUnlessPerKey(f, problems);
        }
        boolean perKey = launch != null && launch.perKey() != null;
        boolean perConnection = launch != null && launch.perConnection() != null;
        // A per-key host's workers share one socket name with a hash suffix each; for the checks it is one worker.
        int workers = !spawned ? 0 : perKey ? 1 : launch != null ? launch.limits().maxProcs() : LaunchReader.workers(f);
        BackendAddress address;
        if (perConnection) {
            address = new BackendAddress.Stdio(launch.spec().binPath()); // nothing listens, nothing to claim
        } else if (spawned && f.value("instances") instanceof ScalarNode kind
                && LaunchReader.PER_CONNECTION.equals(kind.getValue())) {
            return null; // a per-connection host with problems (reported): no socket to make up for it
        } else {
            address = spawned && !f.has("socket") && !f.has("host") && !f.has("port")
                    ? claims.generatedSocket(runtimeDir, routeKey, index, workers)
                    : address(f, host, port, socket);
            if (address == null || !claim(f, address, workers, perKey)) {
                return null;
            }
        }
        if (problems.count() != before) {
            return null;
        }
        try {
            PoolLimits limits = launch == null ? PoolLimits.STATIC : launch.limits();
            String backendName = name == null ? defaultName(address, spawned) : name;
            BackendSpec spec = new BackendSpec(backendName, address, disable, connect, limits,
                    launch == null ? null : launch.spec(), perKey ? launch.perKey().spec() : null, proxyProtocol,
                    perConnection ? launch.perConnection().spec() : null);
            return new Host(spec, perKey ? launch.perKey().rule() : null, framing,
                    perConnection ? launch.perConnection().rule() : null);
        } catch (InvalidOptionException e) {
            problems.add(e, option -> spot(f, option));
            return null;
        }
    }

    /**
     * The name a host gets without {@code name}: its address, except that a spawned host on a unix socket is named
     * by the socket's file (without {@code .sock}), so worker logs read "echo-0#1", not a whole runtime-dir path, and
     * a per-connection host by its program's file.
     */
    private static String defaultName(BackendAddress address, boolean spawned) {
        if (spawned && address instanceof BackendAddress.UnixPath unix) {
            String file = unix.path().getFileName().toString();
            return file.endsWith(".sock") ? file.substring(0, file.length() - ".sock".length()) : file;
        }
        if (address instanceof BackendAddress.Stdio stdio) {
            return stdio.program().getFileName().toString(); // "count.sh": its programs log as "count.sh#17"
        }
        return address.describe();
    }

    /** Checks the socket length (with the longest worker suffix) and that no other host uses the address. */
    private boolean claim(Fields f, BackendAddress address, int workers, boolean perKey) {
        Spot spot = addressSpot(f, address);
        if (address instanceof BackendAddress.UnixPath unix) {
            String longest = perKey ? unix.path() + "-" + "0".repeat(PER_KEY_SUFFIX_BYTES - 1)
                    : workers == 0 ? unix.path().toString() : unix.path() + "-" + (workers - 1);
            int bytes = longest.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_SOCKET_PATH_BYTES) {
                String whose = perKey ? " (with the 17 bytes a per-key worker's socket adds)"
                        : workers == 0 ? "" : " (the socket of worker %d; max-procs is %d)"
                        .formatted(workers - 1, workers);
                String fix = f.has("socket") ? "" : "; set socket: or a shorter server.runtime-dir";
                problems.add(spot, "%s is %d bytes long%s; the limit is %d bytes (sun_path)%s"
                        .formatted(longest, bytes, whose, MAX_SOCKET_PATH_BYTES, fix), null, null);
                return false;
            }
        } else if (workers > 0 && ((BackendAddress.Tcp) address).port() + workers - 1 > 65535) {
            Spot portSpot = spot(f, "port");
            problems.add(portSpot, "port + max-procs - 1 must be at most 65535, got %d"
                    .formatted(((BackendAddress.Tcp) address).port() + workers - 1), null, null);
            return false;
        }
        String conflict = claims.claim(address, workers, spot);
        if (conflict != null) {
            problems.add(spot, conflict, null, null);
            return false;
        }
        return true;
    }

    /** Where a host's address is written; a generated socket is reported at the host itself. */
    private static Spot addressSpot(Fields f, BackendAddress address) {
        if (address instanceof BackendAddress.UnixPath) {
            return f.has("socket") ? f.spot("socket") : new Spot(f.path() + " (generated socket)", f.node());
        }
        return f.has("port") ? f.spot("port") : f.missing("port");
    }

    private BackendAddress address(Fields f, String host, Integer port, String socket) {
        boolean tcp = f.has("host") || f.has("port");
        if (f.has("socket") && tcp) {
            problems.add(f.keyNode("socket"), f.pathOf("socket"), "cannot be combined with "
                    + (f.has("host") ? "host" : "port"), ADDRESS, null);
            return null;
        }
        if (!f.has("socket") && !tcp) {
            problems.add(f.node(), f.path(), "no address", ADDRESS + ", or bin-path to spawn the backend", null);
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
        if (f.has("socket-mode") && f.has("bin-path")) {
            problems.add(f.keyNode("socket-mode"), f.pathOf("socket-mode"),
                    "socket-mode applies to unix sockets only; this host uses TCP");
        }
        String ip = resolve(f, host == null ? DEFAULT_HOST : host);
        if (ip == null) {
            return null;
        }
        try {
            return new BackendAddress.Tcp(ip, port);
        } catch (InvalidOptionException e) {
            problems.add(e, option -> spot(f, option));
            return null;
        }
    }

    /**
     * A host name is resolved once, here, to its first address, as lighttpd does at startup: connecting must never
     * wait for DNS on an event loop, and hash balancing hashes the address string (lighttpd's rule). IP literals and
     * {@code localhost} are taken as they are.
     */
    private String resolve(Fields f, String host) {
        if ("localhost".equalsIgnoreCase(host)) {
            return DEFAULT_HOST;
        }
        if (host.indexOf(':') >= 0 || host.matches("[0-9.]+")) {
            return host;
        }
        try {
            return InetAddress.getByName(host).getHostAddress();
        } catch (UnknownHostException e) {
            problems.add(f.value("host"), f.pathOf("host"), "cannot resolve host name '%s'".formatted(host),
                    "an IP address, localhost, or a name this machine resolves", null);
            return null;
        }
    }

    private BackendAddress unixPath(Fields f, String socket) {
        if (socket.isBlank()) {
            problems.add(f.value("socket"), f.pathOf("socket"), "must not be empty");
            return null;
        }
        return new BackendAddress.UnixPath(baseDir.resolve(socket).normalize());
    }

    /** {@code proxy-protocol}: only {@code v2} is known. */
    private boolean proxyProtocol(Fields f) {
        String version = Values.string(f.value("proxy-protocol"), f.pathOf("proxy-protocol"), problems);
        if (version != null && !version.equals("v2")) {
            problems.add(f.value("proxy-protocol"), f.pathOf("proxy-protocol"),
                    "'%s' is not a PROXY protocol version Sluice sends".formatted(version), "v2", null);
        }
        return "v2".equals(version);
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
