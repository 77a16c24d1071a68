package io.sluice.spawner.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A per-key worker's own folder ({@code cwd} with {@code {key}}): made when missing and {@code cwd-create} is on, mode
 * 0700 and owned by the worker's user and group, else it must exist; never followed through a symbolic link. Errors
 * never name the folder, whose path holds the raw key: the caller names the key by its hash. Stateless; call it on
 * the supervisor thread (file I/O).
 */
public final class KeyFolders {

    private KeyFolders() {
    }

    /**
     * Makes sure {@code folder} is a directory the worker can use.
     *
     * @throws IOException whose message says what is wrong without the path
     */
    public static void prepare(Path folder, boolean create, Credentials owner) throws IOException {
        if (Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
            throw new NotDirectoryException("the key's folder exists but is not a directory (or is a symbolic link)");
        }
        if (!create) {
            throw new IOException("the key's folder does not exist (set cwd-create: true to have it made)");
        }
        // Every missing level is made (the template's fixed part exists: the config check saw it), top down.
        Deque<Path> missing = new ArrayDeque<>();
        for (Path level = folder; level != null && !Files.exists(level, LinkOption.NOFOLLOW_LINKS);
             level = level.getParent()) {
            missing.push(level);
        }
        for (Path level : missing) {
            try {
                Files.createDirectory(level, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
                if (owner.changed()) {
                    Files.setAttribute(level, "unix:uid", owner.uid(), LinkOption.NOFOLLOW_LINKS);
                    Files.setAttribute(level, "unix:gid", owner.gid(), LinkOption.NOFOLLOW_LINKS);
                }
            } catch (IOException e) {
                throw new IOException("cannot create the key's folder: " + e.getClass().getSimpleName(), e);
            }
        }
    }
}
