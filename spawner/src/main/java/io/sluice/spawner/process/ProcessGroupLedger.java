package io.sluice.spawner.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A state file in the runtime-dir ({@code sluice.pids}) that lets the next start kill what a SIGKILLed Sluice left
 * behind: this instance's random token, which every worker gets as {@value #TOKEN_VARIABLE} in its environment, and
 * the process group (= session) and start time of every live worker. Rewritten atomically on each change of a
 * worker; a per-connection program's record is written late ({@link #addSoon}, {@link #removeSoon}: at most one
 * rewrite per {@link #deferWritesOn delay}, since a rewrite costs a file creation and a rename, and on ext4 with
 * discards a synchronous flush, which at thousands of sessions a second would be most of the supervisor thread's
 * time). Never follows a link. Only the owner of the runtime-dir's lock may use it. Thread-safe (synchronized).
 *
 * <p>File format: {@code instance <token>}, then one {@code <pgid> <start time>} line per worker.
 */
public final class ProcessGroupLedger {
    /** The environment variable that carries the instance token to every worker (and what it forks). */
    public static final String TOKEN_VARIABLE = "SLUICE_INSTANCE";
    /** Default wait between TERM and KILL in {@link #cleanupLeftovers()}. */
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(ProcessGroupLedger.class);
    private static final String TOKEN_KEY = "instance";
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private final Path file;
    private final String token;
    /** Start time of a group added by {@link #addSoon} that the next write reads. */
    private static final long NOT_READ_YET = -1;

    private final Map<Integer, Long> groups = new LinkedHashMap<>();
    /** Where a late write runs, and after how long; null until {@link #deferWritesOn}: then late writes are at once. */
    private ScheduledExecutorService writer;
    private Duration delay = Duration.ZERO;
    private boolean writeScheduled;

    /** A ledger with a fresh random instance token; nothing is read or written yet. */
    public ProcessGroupLedger(Path file) {
        this.file = Objects.requireNonNull(file, "file").toAbsolutePath();
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        this.token = HexFormat.of().formatHex(random);
    }

    /** This instance's token; launchers put it in every worker's environment as {@value #TOKEN_VARIABLE}. */
    public String token() {
        return token;
    }

    /** {@link #cleanupLeftovers(Duration)} with {@link #DEFAULT_GRACE}; call once at start, before spawning. */
    public int cleanupLeftovers() throws IOException {
        return cleanupLeftovers(DEFAULT_GRACE);
    }

    /**
     * Stops what is left of every recorded worker (see {@link LeftoverSession}): each session with a live member
     * that carries the recorded token and started no earlier than the worker gets TERM, up to {@code grace}, then
     * KILL, whether its leader still runs or not. Anything unproven is left alone, and pgid 0 and 1 are never
     * signalled. Then rewrites the file with this instance's token and no group. Returns how many sessions were
     * signalled.
     */
    public synchronized int cleanupLeftovers(Duration grace) throws IOException {
        Recorded recorded = read();
        int signalled = 0;
        if (recorded.token() == null && !recorded.groups().isEmpty()) {
            LOG.warn("{} names {} process group(s) but no instance token; none can be proven Sluice's, so none is "
                    + "signalled", file, recorded.groups().size());
        } else {
            for (Map.Entry<Integer, Long> entry : recorded.groups().entrySet()) {
                int pgid = entry.getKey();
                if (pgid <= 1) {
                    LOG.warn("{}: ignoring process group {}: no worker has it", file, pgid);
                } else if (new LeftoverSession(pgid, entry.getValue(), recorded.token()).stop(grace)) {
                    signalled++;
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

    /**
     * Late writes ({@link #addSoon}, {@link #removeSoon}) are made on {@code writer} at most {@code delay} after the
     * change, all changes of that time in one rewrite.
     */
    public synchronized void deferWritesOn(ScheduledExecutorService writer, Duration delay) {
        this.writer = Objects.requireNonNull(writer, "writer");
        this.delay = Objects.requireNonNull(delay, "delay");
    }

    /**
     * Records the group led by {@code pgid} with the next late write. Until then a SIGKILLed Sluice leaves it unrecorded:
     * only for a per-connection program, whose stdin and stdout are Sluice's socket, so that it ends at Sluice's death
     * unless it neither reads nor writes. Its start time is read when written (it is still unreaped then, so ours).
     */
    public synchronized void addSoon(int pgid) {
        groups.put(pgid, NOT_READ_YET);
        writeSoon();
    }

    /** Forgets {@code pgid} with the next late write. */
    public synchronized void removeSoon(int pgid) {
        if (groups.remove(pgid) != null) {
            writeSoon();
        }
    }

    private void writeSoon() {
        if (writeScheduled) {
            return;
        }
        if (writer == null) {
            writeLate();
            return;
        }
        writeScheduled = true;
        try {
            writer.schedule(this::writeLate, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            writeScheduled = false; // stopping: what is recorded now stays on disk until the next start cleans up
        }
    }

    private synchronized void writeLate() {
        writeScheduled = false;
        groups.entrySet().removeIf(group -> {
            if (group.getValue() != NOT_READ_YET) {
                return false;
            }
            OptionalLong start = startTime(group.getKey());
            start.ifPresent(group::setValue);
            return start.isEmpty();
        });
        try {
            write();
        } catch (IOException e) {
            LOG.warn("cannot rewrite {}: {}", file, e.toString());
        }
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
        return ProcessTable.read(pid).map(p -> OptionalLong.of(p.startTime())).orElse(OptionalLong.empty());
    }

    /** Whether any process other than a zombie is in process group {@code pgid}. */
    static boolean hasLiveMembers(int pgid) {
        return ProcessTable.all().stream().anyMatch(p -> p.pgrp() == pgid && !p.isZombie());
    }

    private record Recorded(String token, Map<Integer, Long> groups) {
    }

    private Recorded read() throws IOException {
        String text;
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return new Recorded(null, Map.of());
        } catch (IOException e) {
            // The JDK words ELOOP under NOFOLLOW_LINKS without the file name.
            if (Files.isSymbolicLink(file)) {
                throw new IOException("%s is a symbolic link; Sluice does not follow links in its runtime-dir: "
                        .formatted(file) + "remove it", e);
            }
            throw e;
        }
        String recordedToken = null;
        Map<Integer, Long> recorded = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length != 2) {
                continue;
            }
            if (parts[0].equals(TOKEN_KEY)) {
                recordedToken = parts[1];
                continue;
            }
            try {
                recorded.put(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
            } catch (NumberFormatException e) {
                LOG.warn("{}: ignoring malformed line '{}'", file, line);
            }
        }
        return new Recorded(recordedToken, recorded);
    }

    private void write() throws IOException {
        StringBuilder text = new StringBuilder(TOKEN_KEY).append(' ').append(token).append('\n');
        groups.forEach((pgid, start) -> {
            if (start != NOT_READ_YET) {
                text.append(pgid).append(' ').append(start).append('\n');
            }
        });
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        // Unlink whatever sits there, then create with O_CREAT|O_EXCL, which fails on any existing name, a symlink
        // included: a planted link is removed, never followed. rename(2) replaces the name, not a link's target.
        Files.deleteIfExists(temp);
        try (var out = Files.newByteChannel(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PRIVATE)) {
            ByteBuffer bytes = StandardCharsets.UTF_8.encode(text.toString());
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
        }
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
