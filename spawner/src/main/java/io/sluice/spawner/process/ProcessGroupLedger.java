package io.sluice.spawner.process;

import io.sluice.spawner.posix.Posix;
import io.sluice.spawner.posix.Signals;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A state file (for example {@code runtime-dir/sluice.pids}) listing the process group and leader start time of
 * every live child, rewritten atomically on each change, so that the next start can kill what a SIGKILLed Sluice
 * left behind. Thread-safe (synchronized).
 */
public final class ProcessGroupLedger {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessGroupLedger.class);
    private static final Duration KILL_WAIT = Duration.ofSeconds(1);

    private final Path file;
    private final Map<Integer, Long> groups = new LinkedHashMap<>();

    public ProcessGroupLedger(Path file) {
        this.file = Objects.requireNonNull(file, "file").toAbsolutePath();
    }

    /** Default wait between TERM and KILL in {@link #cleanupLeftovers()}. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(2);

    /** {@link #cleanupLeftovers(Duration)} with {@link #DEFAULT_GRACE}; call once at start, before spawning. */
    public int cleanupLeftovers() throws IOException {
        return cleanupLeftovers(DEFAULT_GRACE);
    }

    /**
     * Kills every recorded group whose leader still runs with the recorded start time (so a reused pid is spared):
     * TERM to the group, up to {@code grace} for it to go, then KILL. Then empties the file. Returns how many groups
     * were signalled. Groups whose leader is gone are skipped: without the leader their identity is unknown.
     */
    public synchronized int cleanupLeftovers(Duration grace) throws IOException {
        Map<Integer, Long> recorded = read();
        int signalled = 0;
        for (Map.Entry<Integer, Long> entry : recorded.entrySet()) {
            int pgid = entry.getKey();
            OptionalLong now = startTime(pgid);
            if (now.isEmpty() || now.getAsLong() != entry.getValue()) {
                continue;
            }
            signalled++;
            LOG.warn("process group {} is left over from an earlier run (recorded in {}); sending TERM", pgid, file);
            Posix.kill(-pgid, Signals.TERM);
            if (!waitGone(pgid, grace)) {
                LOG.warn("process group {} ignored TERM for {}; sending KILL", pgid, LadderRun.human(grace));
                Posix.kill(-pgid, Signals.KILL);
                if (!waitGone(pgid, KILL_WAIT)) {
                    LOG.error("process group {} survived KILL for {}", pgid, LadderRun.human(KILL_WAIT));
                }
            }
        }
        groups.clear();
        write();
        return signalled;
    }

    /** Records the group led by {@code pgid}, with the leader's start time. */
    public synchronized void add(int pgid) throws IOException {
        OptionalLong start = startTime(pgid);
        if (start.isEmpty()) {
            return;
        }
        groups.put(pgid, start.getAsLong());
        write();
    }

    /** Forgets {@code pgid}; a failure to rewrite the file is logged, since callers run on the reaper thread. */
    public synchronized void removeQuietly(int pgid) {
        if (groups.remove(pgid) == null) {
            return;
        }
        try {
            write();
        } catch (IOException e) {
            LOG.warn("cannot rewrite {}: {}", file, e.toString());
        }
    }

    /** Field 22 of /proc/PID/stat (start time in clock ticks since boot); empty when the process is gone. */
    public static OptionalLong startTime(int pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
            // comm (field 2) may hold spaces and parentheses; fields after the last ')' start at field 3.
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return OptionalLong.of(Long.parseLong(rest[22 - 3]));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    private static boolean waitGone(int pgid, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        // Not our children (an earlier JVM's), so there is nothing to wait on but the group itself. kill(-pgid, 0)
        // would count zombies, which a slow init (or container pid 1) may leave for a while: scan /proc instead.
        while (hasLiveMembers(pgid)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        return true;
    }

    /** Whether any process other than a zombie is in process group {@code pgid}. */
    static boolean hasLiveMembers(int pgid) {
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path proc : procs) {
                try {
                    String stat = Files.readString(proc.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    // fields[0] is field 3 (state), fields[2] is field 5 (pgrp)
                    if (Integer.parseInt(fields[2]) == pgid && !fields[0].equals("Z")) {
                        return true;
                    }
                } catch (IOException | RuntimeException e) {
                    // the process went away while we looked
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    private Map<Integer, Long> read() throws IOException {
        Map<Integer, Long> recorded = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] parts = line.trim().split("\\s+");
                if (parts.length == 2) {
                    try {
                        recorded.put(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
                    } catch (NumberFormatException e) {
                        LOG.warn("{}: ignoring malformed line '{}'", file, line);
                    }
                }
            }
        } catch (NoSuchFileException e) {
            return recorded;
        }
        return recorded;
    }

    private void write() throws IOException {
        StringBuilder text = new StringBuilder();
        groups.forEach((pgid, start) -> text.append(pgid).append(' ').append(start).append('\n'));
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temp, text, StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
