package io.sluice.spawner.spec;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code rlimits:} entry: which resource, its soft and hard limit ({@link #UNLIMITED} for none). The soft limit
 * may not exceed the hard one. Immutable; validates itself in option terms.
 */
public record ResourceLimit(Resource resource, long soft, long hard) {

    /** RLIM_INFINITY. */
    public static final long UNLIMITED = -1;

    /**
     * The resources {@code rlimits:} knows, by their config names (those of util-linux {@code prlimit} and
     * setrlimit(2)), with the unit a value is given in.
     */
    public enum Resource {
        NOFILE("nofile", "open files"),
        NPROC("nproc", "processes of the worker's user"),
        AS("as", "bytes of address space"),
        CPU("cpu", "seconds of CPU time"),
        FSIZE("fsize", "bytes per file written"),
        CORE("core", "bytes of core dump");

        /** Every name, in documentation order. */
        public static final String ALLOWED = "nofile, nproc, as, cpu, fsize, core";

        private final String configName;
        private final String unit;

        Resource(String configName, String unit) {
            this.configName = configName;
            this.unit = unit;
        }

        public String configName() {
            return configName;
        }

        /** What one unit of the value is, for messages. */
        public String unit() {
            return unit;
        }

        public static Optional<Resource> fromConfig(String name) {
            return Arrays.stream(values()).filter(r -> r.configName.equals(name)).findFirst();
        }
    }

    public ResourceLimit {
        Objects.requireNonNull(resource, "resource");
        String option = "rlimits." + resource.configName();
        if (soft < UNLIMITED || hard < UNLIMITED) {
            throw new InvalidOptionException(option, "must not be negative", "a number, or unlimited");
        }
        if (hard != UNLIMITED && (soft == UNLIMITED || soft > hard)) {
            throw new InvalidOptionException(option, "the soft limit (%s) is above the hard limit (%s)"
                    .formatted(describe(soft), describe(hard)), "[soft, hard] with soft <= hard, or one value");
        }
    }

    /** "256", "unlimited". */
    public static String describe(long value) {
        return value == UNLIMITED ? "unlimited" : Long.toString(value);
    }
}
