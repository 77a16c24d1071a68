package io.sluice.spawner.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What {@code /proc} says about processes that are not necessarily our children: their ids and start time
 * ({@code /proc/PID/stat}) and their environment ({@code /proc/PID/environ}). Every read races with the process's
 * exit; a process that went away reads as absent. Stateless and thread-safe.
 */
final class ProcessTable {

    /** Fields 3, 5, 6 and 22 of {@code /proc/PID/stat}; {@code startTime} in clock ticks since boot. */
    record Entry(int pid, char state, int pgrp, int session, long startTime) {
        boolean isZombie() {
            return state == 'Z';
        }
    }

    private ProcessTable() {
    }

    static Optional<Entry> read(int pid) {
        return parse(pid, Path.of("/proc", Integer.toString(pid), "stat"));
    }

    /** Every process whose stat could be read. */
    static List<Entry> all() {
        List<Entry> entries = new ArrayList<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path proc : procs) {
                int pid;
                try {
                    pid = Integer.parseInt(proc.getFileName().toString());
                } catch (NumberFormatException e) {
                    continue;
                }
                parse(pid, proc.resolve("stat")).ifPresent(entries::add);
            }
        } catch (IOException e) {
            return List.of();
        }
        return entries;
    }

    /**
     * Whether {@code entry} ({@code NAME=value}) is one of the variables {@code pid} was started with. False when its
     * environ cannot be read: gone, a zombie, or another user's process (reading needs ptrace rights).
     */
    static boolean environContains(int pid, String entry) {
        byte[] wanted = entry.getBytes(StandardCharsets.UTF_8);
        byte[] environ;
        try {
            environ = readFully(Path.of("/proc", Integer.toString(pid), "environ"));
        } catch (IOException e) {
            return false;
        }
        int start = 0;
        for (int i = 0; i <= environ.length; i++) {
            if (i == environ.length || environ[i] == 0) {
                if (Arrays.equals(environ, start, i, wanted, 0, wanted.length)) {
                    return true;
                }
                start = i + 1;
            }
        }
        return false;
    }

    /**
     * The whole file through one large read. {@code Files.readAllBytes} trusts the size a /proc file reports (0) and
     * starts with a one-byte read; a file that answers a read at another offset with end of file is then cut short.
     */
    static byte[] readFully(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readAllBytes();
        }
    }

    private static Optional<Entry> parse(int pid, Path stat) {
        try {
            String text = new String(readFully(stat), StandardCharsets.US_ASCII);
            // comm (field 2) may hold spaces and parentheses; the fields after the last ')' start at field 3.
            String[] f = text.substring(text.lastIndexOf(')') + 2).trim().split(" ");
            return Optional.of(new Entry(pid, f[0].charAt(0), Integer.parseInt(f[5 - 3]), Integer.parseInt(f[6 - 3]),
                    Long.parseLong(f[22 - 3])));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
