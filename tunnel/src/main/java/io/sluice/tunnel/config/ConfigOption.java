package io.sluice.tunnel.config;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Every option the config file knows, where it is valid, its type, default and a one-line doc; the single list the
 * loader checks keys against and the documentation is tested against. Options not supported yet are known (so they
 * are rejected with a clear reason, never ignored) and marked so.
 */
public enum ConfigOption {
    SERVER(Place.TOP, "server", "mapping", "(all defaults)", "the listening server", true),
    WSTUNNEL(Place.TOP, "wstunnel", "mapping", "(required)", "the tunnel: defaults and routes", true),
    ADMIN(Place.TOP, "admin", "mapping", "none (off)",
            "admin listener: /healthz, /readyz, /status, /metrics, /status.html", true),
    ACCESS_LOG(Place.TOP, "access-log", "mapping", "none (off)", "one line per session end and refused handshake",
            true),

    BIND(Place.SERVER, "bind", "IP address", "127.0.0.1", "address to listen on; an IP literal or localhost", true),
    PORT(Place.SERVER, "port", "integer", "8080", "TCP port to listen on; 0 = any free port", true),
    DOCUMENT_ROOT(Place.SERVER, "document-root", "path", "none", "folder of static files for plain HTTP", true),
    RUNTIME_DIR(Place.SERVER, "runtime-dir", "path", "$XDG_RUNTIME_DIR/sluice, else <tmpdir>/sluice-<user>",
            "folder for runtime files and generated worker sockets", true),
    MAX_CONNECTIONS(Place.SERVER, "max-connections", "integer", "10000", "most open client connections", true),
    HANDSHAKE_TIMEOUT(Place.SERVER, "handshake-timeout", "duration", "10s", "time to finish the handshake", true),
    MAX_READ_IDLE(Place.SERVER, "max-read-idle", "duration", "0", "close 1001 after this long without client data",
            true),
    MAX_MESSAGE_SIZE(Place.SERVER, "max-message-size", "size", "0", "close 1009 above this; 0 = unlimited", true),
    GRACEFUL_SHUTDOWN_TIMEOUT(Place.SERVER, "graceful-shutdown-timeout", "duration", "8s",
            "how long a stop waits for tunnels to drain", true),
    IO_THREADS(Place.SERVER, "io-threads", "integer", "0", "event-loop threads; 0 = half the cores, at least 1",
            true),
    TCP_KEEPALIVE(Place.SERVER, "tcp-keepalive", "duration", "60s",
            "TCP keepalive on client connections: idle time and probe interval; 0 = off", true),
    TLS(Place.SERVER, "tls", "mapping", "none", "certificate and key for wss://", true),
    COMPRESSION(Place.SERVER, "compression", "boolean", "false",
            "permessage-deflate (RFC 7692) for routes that do not set compression", true),
    MAX_INFLATE_RATIO(Place.SERVER, "max-inflate-ratio", "integer", "200",
            "close 1009 when a client message past 1 MiB inflates more than this many times its size; 0 = off", true),
    SERVER_PROXY_PROTOCOL(Place.SERVER, "proxy-protocol", "mapping", "none (off)",
            "take the client address from a PROXY v1/v2 header sent by the load balancers in accept", true),
    TRANSPORT(Place.SERVER, "transport", "enum", "auto",
            "Netty transport of the listener and all connections: auto, epoll, io_uring or nio", true),

    TLS_CERTIFICATE(Place.TLS, "certificate", "path", "(required)", "PEM certificate chain, leaf first", true),
    TLS_KEY(Place.TLS, "key", "path", "(required)", "PEM private key of the leaf (PKCS#8, RSA or EC)", true),
    TLS_CA(Place.TLS, "ca", "path", "none", "PEM CA certificates that sign client certificates", true),
    TLS_CLIENT_AUTH(Place.TLS, "client-auth", "enum", "none", "none, optional or require a client certificate",
            true),
    TLS_PROTOCOLS(Place.TLS, "protocols", "list of strings", "[TLSv1.3, TLSv1.2]", "TLS versions to speak", true),

    PROXY_PROTOCOL_ACCEPT(Place.PROXY_PROTOCOL, "accept", "list of CIDR blocks", "(required)",
            "addresses whose connections must start with a PROXY header; others must not send one", true),

    ADMIN_BIND(Place.ADMIN, "bind", "IP address", "127.0.0.1", "address of the admin listener", true),
    ADMIN_PORT(Place.ADMIN, "port", "integer", "9090", "TCP port of the admin listener; 0 = any free port", true),
    ADMIN_TOKEN(Place.ADMIN, "token", "path", "none", "file holding the bearer token; required off loopback", true),
    ADMIN_DRAIN_DELAY(Place.ADMIN, "drain-delay", "duration", "0",
            "on stop, /readyz is 503 this long while everything is still served, then tunnels get 1001", true),

    ACCESS_LOG_PATH(Place.ACCESS_LOG, "path", "path or stdout", "stdout", "where lines go; reopened on SIGUSR1",
            true),
    ACCESS_LOG_FORMAT(Place.ACCESS_LOG, "format", "enum", "text", "text or json (JSON lines)", true),

    DEBUG(Place.WSTUNNEL, "debug", "integer", "0", "log detail level; 0 = off", true),
    BALANCE(Place.WSTUNNEL, "balance", "enum", "least-connection", "default balance policy of routes", true),
    FRAME_TYPE(Place.WSTUNNEL, "frame-type", "enum", "text", "default frame type of backend data", true),
    ORIGINS(Place.WSTUNNEL, "origins", "list of strings", "[]", "default allowed Origin values; [] = no check", true),
    PING_INTERVAL(Place.WSTUNNEL, "ping-interval", "duration", "30s", "default ping period; 0 = never", true),
    PONG_TIMEOUT(Place.WSTUNNEL, "pong-timeout", "duration", "60s", "default time without pong; 0 = never", true),
    MAP_EXTENSIONS(Place.WSTUNNEL, "map-extensions", "mapping", "{}", "path suffix to route key", true),
    ROUTES(Place.WSTUNNEL, "server", "mapping", "(required)", "route key to hosts", true),

    ROUTE_FRAME_TYPE(Place.ROUTE, "frame-type", "enum", "wstunnel.frame-type", "frame type of this route", true),
    ROUTE_BALANCE(Place.ROUTE, "balance", "enum", "wstunnel.balance", "balance policy of this route", true),
    ROUTE_ORIGINS(Place.ROUTE, "origins", "list of strings", "wstunnel.origins", "allowed Origin values", true),
    ROUTE_PING_INTERVAL(Place.ROUTE, "ping-interval", "duration", "wstunnel.ping-interval", "ping period", true),
    ROUTE_PONG_TIMEOUT(Place.ROUTE, "pong-timeout", "duration", "wstunnel.pong-timeout", "time without pong", true),
    HOSTS(Place.ROUTE, "hosts", "list of hosts", "(required)", "the backends of this route (long form)", true),
    ROUTE_FRAMING(Place.ROUTE, "framing", "enum", "stream", "stream (raw bytes) or lines (one message per line)",
            true),
    ROUTE_MAX_LINE_LENGTH(Place.ROUTE, "max-line-length", "size", "64KiB",
            "framing: lines: longest backend line, else close 1009", true),
    DEV_CONSOLE(Place.ROUTE, "dev-console", "boolean", "false",
            "serve a page to try the route on plain GETs of its paths (loopback bind only)", true),
    ROUTE_COMPRESSION(Place.ROUTE, "compression", "boolean", "server.compression",
            "permessage-deflate with clients that offer it", true),

    HOST(Place.HOST, "host", "string", "127.0.0.1 when only port is given", "backend IP or host name", true),
    HOST_PORT(Place.HOST, "port", "integer", "none", "backend TCP port, 1..65535", true),
    SOCKET(Place.HOST, "socket", "path", "none; generated with bin-path", "backend unix socket path", true),
    NAME(Place.HOST, "name", "string", "the address", "name in logs and metrics", true),
    DISABLE_TIME(Place.HOST, "disable-time", "duration", "1s", "how long a failing backend is skipped", true),
    CONNECT_TIMEOUT(Place.HOST, "connect-timeout", "duration", "8s", "connect bound; 0 = none", true),
    BIN_PATH(Place.HOST, "bin-path", "string or list", "none", "program to spawn", true),
    BIN_ENVIRONMENT(Place.HOST, "bin-environment", "mapping", "none", "environment set for the program", true),
    BIN_COPY_ENVIRONMENT(Place.HOST, "bin-copy-environment", "list of strings", "(absent: inherit all)",
            "names copied from Sluice's environment", true),
    CWD(Place.HOST, "cwd", "path", "folder of the binary",
            "working directory of the program; per-key: may contain {key}", true),
    MIN_PROCS(Place.HOST, "min-procs", "integer", "1", "workers kept running", true),
    MAX_PROCS(Place.HOST, "max-procs", "integer", "4", "most workers", true),
    MAX_LOAD_PER_PROC(Place.HOST, "max-load-per-proc", "integer", "1", "load that triggers another worker", true),
    IDLE_TIMEOUT(Place.HOST, "idle-timeout", "duration", "60s", "idle time before an extra worker stops", true),
    LISTEN_BACKLOG(Place.HOST, "listen-backlog", "integer", "max(somaxconn, 1024)",
            "listen backlog of worker sockets", true),
    KILL_SIGNAL(Place.HOST, "kill-signal", "signal", "TERM", "first signal to stop a worker", true),
    STOP_TIMEOUT(Place.HOST, "stop-timeout", "duration", "5s", "grace before SIGKILL", true),
    SOCKET_MODE(Place.HOST, "socket-mode", "octal string", "\"0600\"", "mode of worker sockets", true),
    INSTANCES(Place.HOST, "instances", "enum", "pool",
            "pool, per-key, or per-connection", true),
    ACCEPT_TIMEOUT(Place.HOST, "accept-timeout", "duration", "10s",
            "restart a worker whose accept queue does not drain this long; 0 = never", true),
    KEY(Place.HOST, "key", "string", "(required with per-key)",
            "where a session's key comes from: header:NAME, cookie:NAME, query:NAME, remote-addr, path", true),
    KEY_PATTERN(Place.HOST, "key-pattern", "regex", "[A-Za-z0-9._@-]{1,128}",
            "what a key must match as a whole, else 400", true),
    KEY_DEFAULT(Place.HOST, "key-default", "string", "none", "the key of a request without one; none = 400", true),
    MAX_SESSIONS_PER_KEY(Place.HOST, "max-sessions-per-key", "integer", "0",
            "most concurrent sessions of one key, else 429; 0 = unlimited", true),
    MAX_AGE(Place.HOST, "max-age", "duration", "0", "stop a per-key worker this long after its start; 0 = never",
            true),
    START_TIMEOUT(Place.HOST, "start-timeout", "duration", "10s",
            "how long a session waits for its key's worker to start, else 503", true),
    CWD_CREATE(Place.HOST, "cwd-create", "boolean", "false", "create a missing per-key cwd (mode 0700, the worker's "
            + "owner)", true),
    USER(Place.HOST, "user", "name or id", "Sluice's own", "user the workers run as (Sluice must be root)", true),
    GROUP(Place.HOST, "group", "name or id", "the user's group", "group the workers run as", true),
    ALLOW_ROOT(Place.HOST, "allow-root", "boolean", "false",
            "let a worker run as root (per-key, or user: root) when Sluice is root", true),
    RLIMITS(Place.HOST, "rlimits", "mapping", "Sluice's own",
            "resource limits: nofile, nproc, as, cpu, fsize, core; a value or [soft, hard]", true),
    OUTPUT_LEVEL(Place.HOST, "output-level", "level or mapping", "stdout: info, stderr: warn",
            "log level of the workers' output lines: one for both, or {stdout: LEVEL, stderr: LEVEL}", true),
    PROXY_PROTOCOL(Place.HOST, "proxy-protocol", "enum", "none",
            "v2: start every backend connection with a PROXY protocol v2 header", true),
    PTY(Place.HOST, "pty", "boolean", "false",
            "per-connection: a pseudo-terminal as the program's stdin and stdout instead of a socketpair", true),
    PASS_CREDENTIALS(Place.HOST, "pass-credentials", "boolean", "false",
            "per-connection: Cookie and Authorization headers reach the program's environment", true),
    HOST_FRAMING(Place.HOST, "framing", "enum", "the route's", "as the route's framing; every host of a route alike",
            true),
    HOST_MAX_LINE_LENGTH(Place.HOST, "max-line-length", "size", "the route's",
            "as the route's max-line-length; every host of a route alike", true);

    /** Where in the file an option is valid. */
    public enum Place {
        TOP(""),
        SERVER("server."),
        TLS("server.tls."),
        PROXY_PROTOCOL("server.proxy-protocol."),
        WSTUNNEL("wstunnel."),
        ADMIN("admin."),
        ACCESS_LOG("access-log."),
        ROUTE(""),
        HOST("");

        private final String prefix;

        Place(String prefix) {
            this.prefix = prefix;
        }
    }

    private final Place place;
    private final String key;
    private final String type;
    private final String defaultValue;
    private final String doc;
    private final boolean supported;

    ConfigOption(Place place, String key, String type, String defaultValue, String doc, boolean supported) {
        this.place = place;
        this.key = key;
        this.type = type;
        this.defaultValue = defaultValue;
        this.doc = doc;
        this.supported = supported;
    }

    public Place place() {
        return place;
    }

    public String key() {
        return key;
    }

    /** The name the documentation uses: {@code server.port}, {@code wstunnel.balance}, or the bare route/host key. */
    public String docName() {
        return place.prefix + key;
    }

    public String type() {
        return type;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String doc() {
        return doc;
    }

    public boolean supported() {
        return supported;
    }

    /** Every key valid at a place, in documentation order. */
    public static List<String> keysAt(Place place) {
        return Arrays.stream(values()).filter(o -> o.place == place).map(o -> o.key).toList();
    }

    public static Optional<ConfigOption> find(Place place, String key) {
        return Arrays.stream(values()).filter(o -> o.place == place && o.key.equals(key)).findFirst();
    }
}
