package io.sluice.tunnel.config;

import io.sluice.spawner.spec.PerConnectionSpec;
import java.util.List;

/**
 * Reads the options of an {@code instances: per-connection} host (one program per WebSocket session, talking over its
 * stdin and stdout): the spawner's {@link PerConnectionSpec} ({@code pty}) and the tunnel's {@link CgiRule}
 * ({@code pass-credentials}); refuses what only a listening worker has (an address, the pool's scaling options) and
 * rejects the per-connection options on any other host. Stateless apart from the problems it reports; confined to
 * the loading thread.
 */
final class PerConnectionReader {
    /** The options valid only with {@code instances: per-connection}, in documentation order. */
    static final List<String> PER_CONNECTION_ONLY = List.of("pty", "pass-credentials");
    /** Where a listening worker is: a per-connection program has no address. */
    static final List<String> ADDRESS = List.of("socket", "host", "port");
    /** Options of a pool of listening workers that mean nothing for one program per session. */
    static final List<String> POOL_ONLY = List.of("min-procs", "max-load-per-proc", "idle-timeout",
            "listen-backlog", "socket-mode", "accept-timeout");

    /** A per-connection host's two halves. */
    record PerConnection(PerConnectionSpec spec, CgiRule rule) {
    }

    private PerConnectionReader() {
    }

    /** On a host that is not per-connection: reports every per-connection option that is set. */
    static void rejectUnlessPerConnection(Fields f, Problems problems) {
        for (String key : PER_CONNECTION_ONLY) {
            if (f.has(key)) {
                problems.add(f.keyNode(key), f.pathOf(key),
                        "%s is only valid with instances: per-connection".formatted(key));
            }
        }
    }

    /** The per-connection settings, or null after reporting problems. */
    static PerConnection read(Fields f, Problems problems) {
        int before = problems.count();
        for (String key : ADDRESS) {
            if (f.has(key)) {
                problems.add(f.keyNode(key), f.pathOf(key), ("%s does not apply to instances: per-connection (each "
                        + "session's program talks over its own stdin and stdout; there is nothing to connect to)")
                        .formatted(key));
            }
        }
        for (String key : POOL_ONLY) {
            if (f.has(key)) {
                problems.add(f.keyNode(key), f.pathOf(key), ("%s does not apply to instances: per-connection (one "
                        + "program per session, started by it and ended with it; max-procs caps how many run at once)")
                        .formatted(key));
            }
        }
        if (f.has("proxy-protocol")) {
            problems.add(f.keyNode("proxy-protocol"), f.pathOf("proxy-protocol"), "proxy-protocol does not apply to "
                    + "instances: per-connection (the program gets the client's address as REMOTE_ADDR in its "
                    + "environment)");
        }
        boolean pty = f.has("pty") && ConfinementReader.bool(f.value("pty"), f.pathOf("pty"), problems);
        boolean credentials = f.has("pass-credentials")
                && ConfinementReader.bool(f.value("pass-credentials"), f.pathOf("pass-credentials"), problems);
        return problems.count() != before ? null
                : new PerConnection(new PerConnectionSpec(pty), new CgiRule(credentials));
    }
}
