package io.sluice.tunnel.config;

import io.sluice.spawner.spec.InvalidOptionException;
import io.sluice.tunnel.config.ConfigOption.Place;
import io.sluice.tunnel.config.Problems.Spot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads the top-level {@code admin:} and {@code access-log:} sections, both off when absent; the admin token file is
 * read here, once. Confined to the loading thread; one instance per load.
 */
final class OperationsReader {
    private final Path baseDir;
    private final Problems problems;
    private Fields admin;

    OperationsReader(Path baseDir, Problems problems) {
        this.baseDir = baseDir;
        this.problems = problems;
    }

    /** The admin options, or null when absent or wrong (reported). */
    AdminOptions admin(Node node) {
        if (node == null) {
            return null;
        }
        Fields f = Fields.of(node, "admin", false, "a mapping with bind, port and token", problems);
        admin = f;
        if (f == null) {
            return null;
        }
        int before = problems.count();
        OptionKeys.check(f, Place.ADMIN, problems);
        String bind = f.has("bind") ? Values.string(f.value("bind"), f.pathOf("bind"), problems) : null;
        Integer port = f.has("port") ? Values.integer(f.value("port"), f.pathOf("port"), problems) : null;
        Path tokenFile = null;
        String token = null;
        if (f.has("token")) {
            String text = Values.string(f.value("token"), f.pathOf("token"), problems);
            if (text != null) {
                tokenFile = baseDir.resolve(text).normalize();
                token = readToken(tokenFile, f);
                tokenFile = token == null ? null : tokenFile;
            }
        }
        Duration drainDelay = f.has("drain-delay")
                ? Values.duration(f.value("drain-delay"), f.pathOf("drain-delay"), problems) : Duration.ZERO;
        if (f.has("token") && token == null) {
            return null; // reported; checking the rest without the token would only add "token required"
        }
        try {
            AdminOptions options = new AdminOptions(bind == null ? AdminOptions.DEFAULT_BIND : bind,
                    port == null ? AdminOptions.DEFAULT_PORT : port, tokenFile, token,
                    drainDelay == null ? Duration.ZERO : drainDelay);
            return problems.count() == before ? options : null;
        } catch (InvalidOptionException e) {
            problems.add(e, option -> spot(f, option));
            return null;
        }
    }

    /** The fields of {@code admin:}, to locate problems found across sections; null when absent or not a mapping. */
    Fields adminFields() {
        return admin;
    }

    private String readToken(Path file, Fields f) {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            problems.add(f.value("token"), f.pathOf("token"), "no such file: " + file, "a file holding the token",
                    null);
            return null;
        } catch (IOException e) {
            problems.add(f.value("token"), f.pathOf("token"), "cannot read %s: %s".formatted(file, e), null, null);
            return null;
        }
        String token = content.strip();
        if (token.isEmpty()) {
            problems.add(f.value("token"), f.pathOf("token"), "the token file %s is empty".formatted(file),
                    "a file holding the token on one line", null);
            return null;
        }
        return token;
    }

    /** The access-log options, or null when absent or wrong (reported). */
    AccessLogOptions accessLog(Node node) {
        if (node == null) {
            return null;
        }
        Fields f = Fields.of(node, "access-log", false, "a mapping with path and format", problems);
        if (f == null) {
            return null;
        }
        int before = problems.count();
        OptionKeys.check(f, Place.ACCESS_LOG, problems);
        Path file = null;
        if (f.has("path")) {
            String text = Values.string(f.value("path"), f.pathOf("path"), problems);
            if (text != null && !text.equals(AccessLogOptions.STDOUT)) {
                file = logFile(text, f);
            }
        }
        AccessLogOptions.Format format = AccessLogOptions.Format.TEXT;
        if (f.has("format")) {
            String name = Values.string(f.value("format"), f.pathOf("format"), problems);
            if (name != null) {
                format = AccessLogOptions.Format.fromConfig(name).orElse(null);
                if (format == null) {
                    problems.add(f.value("format"), f.pathOf("format"),
                            "'%s' is not an access log format".formatted(name), AccessLogOptions.Format.ALLOWED,
                            null);
                }
            }
        }
        return problems.count() > before ? null : new AccessLogOptions(file, format);
    }

    private Path logFile(String text, Fields f) {
        Path file = baseDir.resolve(text).normalize();
        if (Files.isDirectory(file)) {
            problems.add(f.value("path"), f.pathOf("path"), "%s is a directory".formatted(file),
                    "a file (created when missing), or stdout", null);
            return null;
        }
        Path parent = file.getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            problems.add(f.value("path"), f.pathOf("path"), "no such directory: %s".formatted(parent),
                    "a file in an existing folder, or stdout", null);
            return null;
        }
        return file;
    }

    private static Spot spot(Fields f, String option) {
        Spot spot = f.spot(option);
        return spot != null ? spot : f.missing(option);
    }
}
