package io.sluice.tunnel.lighttpd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One {@code wstunnel.server} host entry ({@code "label" => ( "host" => ..., ... )}) as a Sluice host: option by
 * option, lighttpd's defaults written out where Sluice's differ, a comment where the meaning differs, a warning for
 * what has no equivalent. Stateless apart from the notes it adds to.
 */
final class HostTranslator {
    /** gw_backend options that matter only to FastCGI-style responders, never to a tunnel. */
    private static final Map<String, String> NOT_FOR_TUNNELS = Map.ofEntries(
            Map.entry("check-local", "lighttpd forces it off for wstunnel"),
            Map.entry("mode", "wstunnel has responders only"),
            Map.entry("docroot", "a tunnel's backend never sees a document root"),
            Map.entry("strip-request-uri", "a tunnel's backend never sees the URI"),
            Map.entry("fix-root-scriptname", "a tunnel's backend never sees the URI"),
            Map.entry("broken-scriptfilename", "a tunnel's backend never sees the URI"),
            Map.entry("x-sendfile", "tunnels have no response headers"),
            Map.entry("allow-x-send-file", "tunnels have no response headers"),
            Map.entry("x-sendfile-docroot", "tunnels have no response headers"),
            Map.entry("upgrade", "Sluice always upgrades"),
            Map.entry("tcp-fin-propagate", "Sluice always passes a client's end to the backend as EOF"),
            Map.entry("read-timeout", "Sluice has no backend idle timeout; pings and pong-timeout find dead clients"),
            Map.entry("write-timeout", "Sluice bounds what waits for a backend by backpressure instead"));
    private static final Set<String> TRANSLATED = Set.of("host", "port", "socket", "bin-path", "bin-environment",
            "bin-copy-environment", "min-procs", "max-procs", "max-load-per-proc", "idle-timeout", "listen-backlog",
            "disable-time", "connect-timeout", "kill-signal");
    /** Options that Sluice allows only with bin-path (lighttpd ignores them without it). */
    private static final List<String> SPAWN_ONLY = List.of("min-procs", "max-procs", "max-load-per-proc",
            "idle-timeout", "listen-backlog", "kill-signal", "bin-environment", "bin-copy-environment");

    private final Notes notes;

    HostTranslator(Notes notes) {
        this.notes = notes;
    }

    /** Writes the host as one list item at {@code indent} ("- " included). */
    void write(YamlLines y, int indent, String label, Value.Arr options, Location where) {
        List<String> lines = new ArrayList<>();
        boolean spawned = options.get("bin-path") != null;
        if (label != null && !label.isEmpty()) {
            lines.add("name: " + YamlLines.scalar(label));
        }
        for (Value.Entry e : options.entries()) {
            String key = e.key();
            if (key == null) {
                notes.warn(e.where(), "a host option without a name; not translated");
            } else if (key.contains("_")) {
                notes.warn(e.where(), "'%s': lighttpd ignores option names with '_' (did you mean '%s'?); not"
                        .formatted(key, key.replace('_', '-')) + " translated");
            } else if (NOT_FOR_TUNNELS.containsKey(key)) {
                notes.warn(e.where(), "host option '%s' not translated: %s".formatted(key, NOT_FOR_TUNNELS.get(key)));
            } else if (!TRANSLATED.contains(key)) {
                notes.warn(e.where(), "unknown host option '%s' (lighttpd ignores it too); not translated"
                        .formatted(key));
            } else if (!spawned && SPAWN_ONLY.contains(key)) {
                notes.warn(e.where(), "host option '%s' without bin-path: lighttpd ignores it, Sluice refuses it; "
                        .formatted(key) + "not translated");
            }
        }
        address(lines, options, spawned);
        if (spawned) {
            spawn(lines, options);
        }
        number(lines, options, "disable-time");
        number(lines, options, "connect-timeout");
        if (lines.isEmpty()) {
            notes.warn(where, "a host with no address and no bin-path; lighttpd refuses it");
            return;
        }
        boolean first = true;
        for (String line : lines) {
            if (line.startsWith("#")) {
                y.comment(indent + 2, line.substring(2));
            } else {
                y.line(indent, (first ? "- " : "  ") + line);
                first = false;
            }
        }
    }

    private void address(List<String> lines, Value.Arr options, boolean spawned) {
        String host = text(options, "host");
        String socket = text(options, "socket");
        Long port = integer(options, "port");
        if (host != null && host.startsWith("/") && socket == null) {
            lines.add("# lighttpd: a host starting with '/' is a unix socket; Sluice calls it socket.");
            socket = host;
            host = null;
        }
        if (socket != null) {
            if (!socket.startsWith("/")) {
                lines.add("# lighttpd: a relative socket path is relative to lighttpd's working folder; Sluice's"
                        + " is relative to this file's folder.");
            }
            lines.add("socket: " + YamlLines.scalar(socket));
        }
        if (host != null && !host.isEmpty()) {
            lines.add("host: " + YamlLines.scalar(host));
            if (port == null) {
                lines.add("# lighttpd: without port, lighttpd connects to port 80; Sluice needs it written.");
                port = 80L;
            }
        }
        if (port != null) {
            lines.add("port: " + port);
        }
        if (spawned && socket == null && host == null && port == null) {
            lines.add("# lighttpd: without host, port or socket, lighttpd's workers listen on 127.0.0.1:80+i;"
                    + " Sluice's listen on unix sockets it makes in server.runtime-dir (" + Notes.DOC
                    + "#converting-a-configuration).");
        }
    }

    private void spawn(List<String> lines, Value.Arr options) {
        String binPath = text(options, "bin-path");
        if (binPath != null) {
            String[] argv = binPath.split("[ \t]", -1); // lighttpd splits on every single blank, no quoting (B16)
            if (argv.length == 1) {
                lines.add("bin-path: " + YamlLines.scalar(binPath));
            } else {
                lines.add("# lighttpd splits bin-path on every blank, with no quoting: here is the exact argv it ran.");
                lines.add("bin-path: [" + String.join(", ", Arrays.stream(argv).map(YamlLines::scalar)
                        .toList()) + "]");
            }
        }
        Value.Entry env = options.get("bin-environment");
        if (env != null && env.value() instanceof Value.Arr vars) {
            lines.add("bin-environment:");
            for (Value.Entry v : vars.entries()) {
                if (v.key() == null || v.value().text() == null) {
                    notes.warn(v.where(), "bin-environment: an entry that is not \"NAME\" => \"value\"; not"
                            + " translated");
                    continue;
                }
                lines.add("  " + YamlLines.scalar(v.key()) + ": " + YamlLines.quoted(v.value().text()));
            }
            if (lines.get(lines.size() - 1).equals("bin-environment:")) {
                lines.remove(lines.size() - 1);
            }
        }
        Value.Entry copy = options.get("bin-copy-environment");
        if (copy != null && copy.value() instanceof Value.Arr names) {
            if (names.entries().isEmpty()) {
                lines.add("# lighttpd: an empty bin-copy-environment means inherit everything, as no"
                        + " bin-copy-environment does in Sluice.");
            } else {
                lines.add("bin-copy-environment: [" + String.join(", ", names.entries().stream()
                        .map(n -> YamlLines.scalar(String.valueOf(n.value().text()))).toList()) + "]");
            }
        }
        Long min = integer(options, "min-procs");
        Long max = integer(options, "max-procs");
        long effectiveMax = max == null ? 4 : max;
        if (min == null) {
            lines.add("# lighttpd starts 4 workers (min-procs 4) by default; Sluice's default is 1 (" + Notes.DOC
                    + "#different-defaults).");
            min = Math.min(4, effectiveMax);
        } else if (min > effectiveMax) {
            lines.add("# lighttpd lowers min-procs above max-procs to max-procs; Sluice refuses it.");
            min = effectiveMax;
        }
        lines.add("min-procs: " + min);
        if (max != null) {
            lines.add("max-procs: " + max);
        }
        for (String option : List.of("max-load-per-proc", "idle-timeout", "listen-backlog", "kill-signal")) {
            number(lines, options, option);
        }
    }

    private void number(List<String> lines, Value.Arr options, String option) {
        Long value = integer(options, option);
        if (value != null) {
            lines.add(option + ": " + value);
        }
    }

    private String text(Value.Arr options, String option) {
        Value.Entry e = options.get(option);
        return e == null ? null : notes.string(e.value(), e.where(), option);
    }

    private Long integer(Value.Arr options, String option) {
        Value.Entry e = options.get(option);
        return e == null ? null : notes.integer(e.value(), e.where(), option);
    }
}
