package io.sluice.spawner.process;

import io.sluice.spawner.posix.Posix;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * The trust check of a runtime-dir, made before Sluice reads the ledger there (which decides what it signals), takes
 * its lock or binds worker sockets in it: whoever can write that folder could plant a ledger, swap a socket, or put
 * symlinks where Sluice writes. So it must be a real folder (checked with lstat: a symlink is refused, even to a
 * good folder), owned by Sluice's effective user and writable by nobody else. A missing one is created with mode
 * 0700, its parents as needed. Stateless.
 */
public final class RuntimeDir {
    private static final int GROUP_WRITE = 0020;
    private static final int OTHERS_WRITE = 0002;

    private RuntimeDir() {
    }

    /**
     * Creates {@code dir} if missing, then checks it.
     *
     * @throws IOException naming the folder and what is wrong with it, or why it cannot be created
     */
    public static void prepare(Path dir) throws IOException {
        Map<String, Object> attributes = lstat(dir);
        if (attributes == null) {
            create(dir);
            attributes = lstat(dir);
            if (attributes == null) {
                throw new IOException("runtime-dir %s vanished right after it was created".formatted(dir));
            }
        }
        String problem = problem(dir, attributes, Posix.geteuid());
        if (problem != null) {
            throw new IOException("runtime-dir %s %s".formatted(dir, problem));
        }
    }

    /** What makes the folder untrustworthy, as the rest of a sentence after its name; null when it is fine. */
    static String problem(Path dir, Map<String, Object> attributes, int euid) throws IOException {
        if ((Boolean) attributes.get("isSymbolicLink")) {
            return "is a symbolic link (to %s); Sluice does not follow one there: set server.runtime-dir to the real "
                    .formatted(Files.readSymbolicLink(dir)) + "folder";
        }
        if (!(Boolean) attributes.get("isDirectory")) {
            return "is not a directory; set server.runtime-dir to a folder";
        }
        int uid = (Integer) attributes.get("uid");
        int mode = (Integer) attributes.get("mode") & 07777;
        if (uid != euid) {
            return ("is owned by uid %d, not by Sluice's uid %d; its owner could choose which processes Sluice "
                    + "signals and receive the tunnelled traffic: remove it, or set server.runtime-dir to a folder of "
                    + "Sluice's own").formatted(uid, euid);
        }
        if ((mode & (GROUP_WRITE | OTHERS_WRITE)) != 0) {
            String who = (mode & OTHERS_WRITE) != 0 ? "others" : "its group";
            return ("is writable by %s (mode %04o); they could plant files that decide which processes Sluice "
                    + "signals: chmod go-w it (Sluice creates it 0700)").formatted(who, mode);
        }
        return null;
    }

    /** The folder's own attributes (lstat); null when nothing has that name. */
    private static Map<String, Object> lstat(Path dir) throws IOException {
        try {
            return Files.readAttributes(dir, "unix:isSymbolicLink,isDirectory,uid,mode", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new IOException("runtime-dir %s cannot be inspected: %s".formatted(dir, e.getMessage()), e);
        }
    }

    private static void create(Path dir) throws IOException {
        try {
            if (dir.getParent() != null) {
                Files.createDirectories(dir.getParent());
            }
        } catch (FileAlreadyExistsException e) {
            throw new IOException("runtime-dir %s cannot be created: %s is not a directory".formatted(dir,
                    e.getFile()), e);
        } catch (IOException e) {
            throw new IOException("runtime-dir %s cannot be created: %s".formatted(dir, e.getMessage()), e);
        }
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            // Created meanwhile by someone else: checked below like any existing folder.
        } catch (IOException e) {
            throw new IOException("runtime-dir %s cannot be created: %s".formatted(dir, e.getMessage()), e);
        }
    }
}
