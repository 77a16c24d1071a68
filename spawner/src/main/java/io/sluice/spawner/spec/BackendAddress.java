package io.sluice.spawner.spec;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a backend listens: a unix socket path or a TCP host and port; or, for a per-connection program, nowhere: it is
 * reached through its own stdin and stdout ({@link Stdio}).
 */
public sealed interface BackendAddress permits BackendAddress.UnixPath, BackendAddress.Tcp, BackendAddress.Stdio {

    /** The address of worker {@code id} of a spawned pool: {@code path-<id>} or {@code port+id} (lighttpd naming). */
    BackendAddress forWorker(int id);

    /** A short human form for logs and messages: the path, or host:port. */
    String describe();

    /** The string lighttpd hashes for hash/sticky balancing: the socket path, or the host string. */
    String hashName();

    /** The port lighttpd XORs into the host hash; 0 for unix sockets. */
    int hashPort();

    record UnixPath(Path path) implements BackendAddress {
        public UnixPath {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public BackendAddress forWorker(int id) {
            return new UnixPath(Path.of(path + "-" + id));
        }

        @Override
        public String describe() {
            return path.toString();
        }

        @Override
        public String hashName() {
            return path.toString();
        }

        @Override
        public int hashPort() {
            return 0;
        }
    }

    record Tcp(String host, int port) implements BackendAddress {
        public Tcp {
            Objects.requireNonNull(host, "host");
            if (port < 1 || port > 65535) {
                throw new InvalidOptionException("port", "must be 1..65535, got " + port, null);
            }
        }

        @Override
        public BackendAddress forWorker(int id) {
            return new Tcp(host, port + id);
        }

        @Override
        public String describe() {
            return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
        }

        @Override
        public String hashName() {
            return host;
        }

        @Override
        public int hashPort() {
            return port;
        }
    }

    /**
     * A per-connection program's stdin and stdout: each session spawns {@code program} and talks to it over a
     * socketpair or a pseudo-terminal, so there is no address to connect to and no worker numbering.
     */
    record Stdio(Path program) implements BackendAddress {
        public Stdio {
            Objects.requireNonNull(program, "program");
        }

        @Override
        public BackendAddress forWorker(int id) {
            return this;
        }

        @Override
        public String describe() {
            return "stdio of " + program;
        }

        @Override
        public String hashName() {
            return program.toString();
        }

        @Override
        public int hashPort() {
            return 0;
        }
    }
}
