package io.sluice.spawner.spec;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The log levels of a spawned process's output lines ({@code output-level}): stdout at INFO and stderr at WARN unless
 * the host says otherwise; {@link Level#OFF} drops that stream's lines (they are still read, so the process never
 * blocks on a full pipe). Immutable.
 */
public record OutputLevels(Level stdout, Level stderr) {

    /** stdout INFO, stderr WARN. */
    public static final OutputLevels DEFAULT = new OutputLevels(Level.INFO, Level.WARN);

    public OutputLevels {
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
    }

    /** A level as written in the configuration, lower case. */
    public enum Level {
        OFF, ERROR, WARN, INFO, DEBUG, TRACE;

        /** Every level's configuration name, for error messages and docs. */
        public static final List<String> NAMES = Arrays.stream(values()).map(Level::configName).toList();

        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The level named {@code name} (case-insensitive), or null when there is none. */
        public static Level named(String name) {
            for (Level level : values()) {
                if (level.name().equalsIgnoreCase(name)) {
                    return level;
                }
            }
            return null;
        }
    }
}
