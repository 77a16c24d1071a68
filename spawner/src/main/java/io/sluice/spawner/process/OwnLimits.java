package io.sluice.spawner.process;

import io.sluice.spawner.spec.ResourceLimit;
import io.sluice.spawner.spec.ResourceLimit.Resource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * Sluice's own hard resource limits, read from {@code /proc/self/limits}: a process that is not root may lower a
 * limit but not raise a hard one, so a worker's {@code rlimits} above these cannot be applied. Immutable.
 */
final class OwnLimits {
    private static final Map<Resource, String> NAMES = Map.of(
            Resource.NOFILE, "Max open files",
            Resource.NPROC, "Max processes",
            Resource.AS, "Max address space",
            Resource.CPU, "Max cpu time",
            Resource.FSIZE, "Max file size",
            Resource.CORE, "Max core file size");

    private final Map<Resource, Long> hard;

    private OwnLimits(Map<Resource, Long> hard) {
        this.hard = hard;
    }

    static OwnLimits read() throws IOException {
        return parse(Files.readString(Path.of("/proc/self/limits")));
    }

    /** The limits in the text of a {@code /proc/PID/limits} file. */
    static OwnLimits parse(String text) {
        Map<Resource, Long> hard = new EnumMap<>(Resource.class);
        for (String line : text.split("\n")) {
            NAMES.forEach((resource, name) -> {
                if (line.startsWith(name + " ")) {
                    String[] columns = line.substring(name.length()).trim().split("\\s+");
                    hard.put(resource, value(columns[1]));
                }
            });
        }
        return new OwnLimits(hard);
    }

    private static long value(String text) {
        return text.equals("unlimited") ? ResourceLimit.UNLIMITED : Long.parseLong(text);
    }

    /** Whether a process with these limits may set {@code limit} without privilege. */
    boolean allows(ResourceLimit limit) {
        long mine = hard.getOrDefault(limit.resource(), ResourceLimit.UNLIMITED);
        if (mine == ResourceLimit.UNLIMITED) {
            return true;
        }
        return limit.hard() != ResourceLimit.UNLIMITED && limit.hard() <= mine;
    }

    long hard(Resource resource) {
        return hard.getOrDefault(resource, ResourceLimit.UNLIMITED);
    }
}
