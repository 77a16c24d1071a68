package io.sluice.it.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Finds a test's per-connection programs, and whatever they started, in the process table: the test gives its hosts
 * an environment variable with a value of its own ({@link #environment()}), which every descendant inherits, so a
 * grandchild that was reparented, renamed itself or exec'd another binary is found as well (by
 * {@code /proc/PID/environ}; zombies have none and are not counted). Thread-safe.
 */
public final class MarkedPrograms {
    public static final String VARIABLE = "SLUICE_IT_MARK";
    private final String entry = VARIABLE + "=" + UUID.randomUUID();

    /** A YAML flow mapping for {@code bin-environment}. */
    public String environment() {
        return "{ " + VARIABLE + ": \"" + entry.substring(VARIABLE.length() + 1) + "\", PATH: \"/usr/bin:/bin\" }";
    }

    /** The pids of the live processes that carry the mark. */
    public List<Long> alive() {
        String wanted = "\0" + entry + "\0";
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> proc = Files.list(Path.of("/proc"))) {
            for (Path dir : proc.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .toList()) {
                try {
                    String environ = "\0" + new String(Files.readAllBytes(dir.resolve("environ")),
                            StandardCharsets.ISO_8859_1) + "\0";
                    if (environ.contains(wanted)) {
                        pids.add(Long.parseLong(dir.getFileName().toString()));
                    }
                } catch (IOException e) {
                    // gone meanwhile, or another user's
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return pids;
    }

    /** SIGKILLs whatever still carries the mark, so a failed test leaves nothing behind. */
    public void killAll() {
        alive().forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }
}
