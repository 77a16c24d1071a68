package io.sluice.tunnel.config;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code access-log:} options: one line per session end and per refused handshake, to a file or stdout, as
 * text or JSON lines. Immutable. {@code file} is null for stdout.
 */
public record AccessLogOptions(Path file, Format format) {

    /** The value of {@code path} that means standard output. */
    public static final String STDOUT = "stdout";

    /** How each line is written. */
    public enum Format {
        /** Space-separated key=value pairs, one session per line. */
        TEXT,
        /** One JSON object per line (JSON Lines). */
        JSON;

        public static final String ALLOWED = "text, json";

        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Format> fromConfig(String name) {
            return Arrays.stream(values()).filter(f -> f.configName().equals(name)).findFirst();
        }
    }

    public AccessLogOptions {
        if (format == null) {
            throw new IllegalArgumentException("format is required");
        }
    }

    public boolean toStdout() {
        return file == null;
    }
}
