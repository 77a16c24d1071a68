package io.sluice.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads CPU time and proportional set size (Pss) of a server's whole process tree from /proc, so that forking
 * servers (websocketd, websockify) and spawned backends are charged fully. Processes that vanish mid-read are
 * skipped. Stateless; any thread.
 */
final class ProcessTree {
    private static final Path PROC = Path.of("/proc");

    private ProcessTree() {
    }

    /** The given roots and all their live descendants. */
    static List<Integer> of(Collection<Integer> roots) {
        Map<Integer, List<Integer>> children = new HashMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, "[0-9]*")) {
            for (Path dir : dirs) {
                long[] stat = stat(dir.resolve("stat"));
                if (stat.length > 0) {
                    children.computeIfAbsent((int) stat[1], k -> new ArrayList<>()).add((int) stat[0]);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc: %s".formatted(e.getMessage()), e);
        }
        Set<Integer> tree = new LinkedHashSet<>();
        Deque<Integer> todo = new ArrayDeque<>(roots);
        while (!todo.isEmpty()) {
            int pid = todo.pop();
            if (tree.add(pid)) {
                todo.addAll(children.getOrDefault(pid, List.of()));
            }
        }
        return new ArrayList<>(tree);
    }

    /**
     * utime+stime+cutime+cstime in clock ticks over the tree: live processes count themselves, reaped ones are in
     * their parent's cutime/cstime, so a difference of two readings charges every tick once.
     */
    static long cpuTicks(Collection<Integer> roots) {
        long ticks = 0;
        for (int pid : of(roots)) {
            long[] stat = stat(PROC.resolve(Integer.toString(pid)).resolve("stat"));
            if (stat.length > 0) {
                ticks += stat[2] + stat[3] + stat[4] + stat[5];
            }
        }
        return ticks;
    }

    /** Sum of Pss in KiB over the tree (from smaps_rollup). */
    static long pssKib(Collection<Integer> roots) {
        long kib = 0;
        for (int pid : of(roots)) {
            try {
                for (String line : Files.readAllLines(PROC.resolve(Integer.toString(pid)).resolve("smaps_rollup"))) {
                    if (line.startsWith("Pss:")) {
                        kib += Long.parseLong(line.replaceAll("[^0-9]", ""));
                        break;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the process ended between listing and reading
            }
        }
        return kib;
    }

    /** The machine's MemAvailable in KiB, to stop opening sessions before the machine runs out. */
    static long memAvailableKib() {
        try {
            for (String line : Files.readAllLines(PROC.resolve("meminfo"))) {
                if (line.startsWith("MemAvailable:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            // fall through: unknown means unlimited
        }
        return Long.MAX_VALUE;
    }

    /** {pid, ppid, utime, stime, cutime, cstime}, or an empty array when the process is gone. */
    private static long[] stat(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            return new long[0];
        }
        int close = text.lastIndexOf(')');
        String[] f = text.substring(close + 2).trim().split(" ");
        // after "pid (comm) ": f[0]=state f[1]=ppid ... f[11]=utime f[12]=stime f[13]=cutime f[14]=cstime
        long pid = Long.parseLong(text.substring(0, text.indexOf(' ')));
        return new long[] {pid, Long.parseLong(f[1]), Long.parseLong(f[11]), Long.parseLong(f[12]),
            Long.parseLong(f[13]), Long.parseLong(f[14])};
    }
}
