package io.sluice.tunnel.config;

import io.sluice.spawner.spec.InvalidOptionException;
import io.sluice.tunnel.config.ConfigOption.Place;
import io.sluice.tunnel.config.Problems.Spot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import org.yaml.snakeyaml.nodes.Node;

/** Reads the {@code server:} section into {@link ServerOptions}; confined to the loading thread. */
final class ServerReader {
    private final Path baseDir;
    private final SystemFacts facts;
    private final Problems problems;
    /** The section as read, for locating what {@link SluiceConfig} finds; null before a read or without one. */
    private Fields fields;

    ServerReader(Path baseDir, SystemFacts facts, Problems problems) {
        this.baseDir = baseDir;
        this.facts = facts;
        this.problems = problems;
    }

    /** The options, or null when they have problems (all reported). {@code node} null means the section is absent. */
    ServerOptions read(Node node) {
        if (node == null) {
            return ServerOptions.defaults(facts.defaultRuntimeDir());
        }
        Fields f = Fields.of(node, "server", false, "a mapping of server options", problems);
        if (f == null) {
            return null;
        }
        fields = f;
        int before = problems.count();
        OptionKeys.check(f, Place.SERVER, problems);
        String bind = or(str(f, "bind"), ServerOptions.DEFAULT_BIND);
        Integer port = f.has("port") ? Values.integer(f.value("port"), f.pathOf("port"), problems) : null;
        Path documentRoot = f.has("document-root") ? documentRoot(f) : null;
        Path runtimeDir = runtimeDir(f);
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
        TlsOptions tls = f.has("tls") ? new TlsReader(baseDir, problems).read(f.value("tls"), f.pathOf("tls")) : null;
        CompressionOptions compression = compression(f);
        ProxyProtocolOptions proxyProtocol = f.has("proxy-protocol")
                ? new ProxyProtocolReader(problems).read(f.value("proxy-protocol"), f.pathOf("proxy-protocol")) : null;
        TransportPreference transport = transport(f);
        try {
            ServerOptions options = new ServerOptions(bind, or(port, ServerOptions.DEFAULT_PORT), documentRoot,
                    runtimeDir, or(maxConnections, ServerOptions.DEFAULT_MAX_CONNECTIONS), handshake, readIdle,
                    or(maxMessage, ServerOptions.DEFAULT_MAX_MESSAGE_SIZE), graceful,
                    or(ioThreads, ServerOptions.AUTO_IO_THREADS), keepalive, tls, compression, proxyProtocol,
                    transport);
            return problems.count() == before ? options : null;
        } catch (InvalidOptionException e) {
            problems.add(e, option -> spot(f, option));
            return null;
        }
    }

    /** {@code compression} and {@code max-inflate-ratio}; the defaults when either is wrong (it is reported). */
    private CompressionOptions compression(Fields f) {
        boolean byDefault = f.has("compression")
                && ConfinementReader.bool(f.value("compression"), f.pathOf("compression"), problems);
        Integer ratio = f.has("max-inflate-ratio")
                ? Values.integer(f.value("max-inflate-ratio"), f.pathOf("max-inflate-ratio"), problems) : null;
        try {
            return new CompressionOptions(byDefault, or(ratio, CompressionOptions.DEFAULT_MAX_INFLATE_RATIO));
        } catch (InvalidOptionException e) {
            problems.add(e, option -> spot(f, option));
            return CompressionOptions.DEFAULTS;
        }
    }

    /** {@code transport}; {@code auto} when absent or wrong (it is reported). */
    private TransportPreference transport(Fields f) {
        String text = str(f, "transport");
        if (text == null) {
            return TransportPreference.AUTO;
        }
        TransportPreference transport = TransportPreference.fromConfig(text).orElse(null);
        if (transport == null) {
            problems.add(f.value("transport"), f.pathOf("transport"), "'%s' is not a transport".formatted(text),
                    TransportPreference.ALLOWED, null);
            return TransportPreference.AUTO;
        }
        return transport;
    }

    /**
     * Where {@code server.OPTION} is, for a problem found across sections; at the section when the option is not
     * written, at the top of the file when the section is absent (its mapping is {@code top}).
     */
    Spot spot(String option, Fields top) {
        if (fields == null) {
            return top.missing("server");
        }
        return spot(fields, option);
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

    /**
     * The folder, with what can be seen without creating anything: a symlink or a non-folder where it should be, or
     * a non-folder on the way to it. Owner and mode are checked when Sluice starts to spawn (exit 1, not 2): a
     * folder that does not exist yet has neither.
     */
    private Path runtimeDir(Fields f) {
        String text = str(f, "runtime-dir");
        if (text == null) {
            return facts.defaultRuntimeDir();
        }
        Path dir = baseDir.resolve(text).normalize();
        String problem = unusableRuntimeDir(dir);
        if (problem != null) {
            problems.add(f.value("runtime-dir"), f.pathOf("runtime-dir"), problem);
        }
        return dir;
    }

    private static String unusableRuntimeDir(Path dir) {
        for (Path p = dir; p != null; p = p.getParent()) {
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                continue; // missing (or under a file): the nearest existing ancestor decides
            }
            if (p.equals(dir)) {
                if (attributes.isSymbolicLink()) {
                    return "%s is a symbolic link; Sluice refuses to follow one there: give the real folder"
                            .formatted(dir);
                }
                return attributes.isDirectory() ? null : "%s is not a directory".formatted(dir);
            }
            // Above the folder itself, a link to a folder is fine (/var/run -> /run).
            return Files.isDirectory(p) ? null : "%s is not a directory, so %s cannot be created".formatted(p, dir);
        }
        return null;
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
