package io.sluice.spawner.process;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Exclusive use of a runtime directory by one running Sluice: an advisory lock on {@code sluice.lock} holding the
 * owner's pid. Without it, a second Sluice on the same directory would read the first one's ledger as leftovers and
 * kill its live workers, and their sockets would collide. The kernel drops the lock when the owner dies, so a
 * SIGKILLed Sluice never blocks the next start. The file is opened without following a link; take the lock only in
 * a folder {@link RuntimeDir} has checked. Not thread-safe; owned by the supervisor.
 */
public final class RuntimeDirLock implements AutoCloseable {
    public static final String FILE = "sluice.lock";
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private final FileChannel channel;
    private final FileLock lock;

    private RuntimeDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock or fails with a message naming the directory and the pid that holds it.
     *
     * @throws IOException when another process (or another supervisor in this JVM) uses the directory
     */
    public static RuntimeDirLock acquire(Path runtimeDir) throws IOException {
        Path file = runtimeDir.resolve(FILE);
        FileChannel channel;
        try {
            // O_NOFOLLOW: a symlink planted as the lock file fails with ELOOP instead of being truncated through.
            channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), PRIVATE);
        } catch (IOException e) {
            // The JDK words ELOOP under NOFOLLOW_LINKS without the file name.
            if (Files.isSymbolicLink(file)) {
                throw new IOException("%s is a symbolic link; Sluice does not follow links in its runtime-dir: "
                        .formatted(file) + "remove it", e);
            }
            throw e;
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            String owner = readOwner(channel);
            channel.close();
            throw new IOException("runtime-dir %s is in use by another running Sluice%s; give each instance its own "
                    .formatted(runtimeDir, owner.isEmpty() ? "" : " (pid " + owner + ")") + "server.runtime-dir");
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
                0);
        channel.force(false);
        return new RuntimeDirLock(channel, lock);
    }

    private static String readOwner(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(32);
        channel.read(buffer, 0);
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).strip();
    }

    /** Releases the lock; idempotent. The file stays: removing it would race with a Sluice opening it. */
    @Override
    public void close() throws IOException {
        if (channel.isOpen()) {
            try {
                lock.release();
            } finally {
                channel.close();
            }
        }
    }
}
