package io.sluice.spawner.posix;

import static io.sluice.spawner.posix.Posix.LIBC;
import static io.sluice.spawner.posix.Posix.check;
import static io.sluice.spawner.posix.StdioBinding.STDIO;

import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.byref.IntByReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a child with glibc's posix_spawn: its own session, an empty signal mask, every disposition reset, the
 * requested fds (or a pseudo-terminal) on 0/1/2 and nothing else open. Call it from one long-lived thread (PDEATHSIG
 * and friends are tied to the spawning thread); the call itself is thread-safe.
 */
public final class PosixSpawn {
    private static final Logger LOG = LoggerFactory.getLogger(PosixSpawn.class);
    private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    private static final short POSIX_SPAWN_SETSID = 0x80;
    // glibc x86_64 sizes are 80, 336 and 128 bytes; allocate with room to spare for other ABIs.
    private static final int FILE_ACTIONS_SIZE = 256;
    private static final int ATTR_SIZE = 1024;
    private static final int SIGSET_SIZE = 256;
    private static final String CHDIR_SCRIPT = "cd -- \"$1\" || exit 127; shift; exec \"$@\"";
    private static final int O_RDWR = 2;

    // Package-private so a test can force the fallbacks.
    static volatile boolean closefromAvailable = true;
    static volatile boolean chdirAvailable = true;

    private PosixSpawn() {
    }

    /** Spawns and returns the pid; a failed exec, open, chdir or file action is reported with its errno. */
    public static int spawn(SpawnRequest request) throws NativeCallException {
        Pointer actions = Memory.allocateDirect(Posix.runtime(), FILE_ACTIONS_SIZE, true);
        Pointer attr = Memory.allocateDirect(Posix.runtime(), ATTR_SIZE, true);
        Pointer emptySet = Memory.allocateDirect(Posix.runtime(), SIGSET_SIZE, true);
        Pointer fullSet = Memory.allocateDirect(Posix.runtime(), SIGSET_SIZE, true);
        checkRc(LIBC.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
        try {
            checkRc(LIBC.posix_spawnattr_init(attr), "posix_spawnattr_init");
            try {
                check(LIBC.sigemptyset(emptySet), "sigemptyset");
                check(LIBC.sigfillset(fullSet), "sigfillset");
                checkRc(LIBC.posix_spawnattr_setsigmask(attr, emptySet), "posix_spawnattr_setsigmask");
                checkRc(LIBC.posix_spawnattr_setsigdefault(attr, fullSet), "posix_spawnattr_setsigdefault");
                checkRc(LIBC.posix_spawnattr_setflags(attr,
                        (short) (POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)),
                        "posix_spawnattr_setflags");
                boolean chdirDone = addFileActions(actions, request);
                List<String> argv = chdirDone ? request.argv() : viaShellChdir(request);
                String binary = chdirDone ? request.binary().toString() : "/bin/sh";
                IntByReference pid = new IntByReference();
                Pointer argvBlock = NativeStrings.array(argv.stream()
                        .map(a -> a.getBytes(StandardCharsets.UTF_8)).toList());
                Pointer envBlock = NativeStrings.array(request.envp());
                int rc = STDIO.posix_spawn(pid, binary, actions, attr, argvBlock, envBlock);
                // The blocks are freed when their Pointers are collected, and nothing else refers to them once their
                // addresses were passed: without the fences a GC during the call could free argv or envp while
                // posix_spawn reads them (seen as EFAULT under a churn of per-connection programs).
                Reference.reachabilityFence(argvBlock);
                Reference.reachabilityFence(envBlock);
                if (rc != 0) {
                    throw new NativeCallException("posix_spawn " + request.binary(), rc);
                }
                return pid.getValue();
            } finally {
                LIBC.posix_spawnattr_destroy(attr);
            }
        } finally {
            LIBC.posix_spawn_file_actions_destroy(actions);
        }
    }

    /** Adds fds 0, 1 and 2, the chdir and the closing of fds >= 3; returns whether the chdir is a file action. */
    private static boolean addFileActions(Pointer actions, SpawnRequest request) throws NativeCallException {
        addStdio(actions, request.stdio());
        checkRc(LIBC.posix_spawn_file_actions_adddup2(actions, request.stderrFd(), 2), "adddup2 stderr");
        boolean chdirDone = false;
        if (chdirAvailable) {
            try {
                checkRc(LIBC.posix_spawn_file_actions_addchdir_np(actions, request.cwd().toString()), "addchdir_np");
                chdirDone = true;
            } catch (UnsatisfiedLinkError e) {
                chdirAvailable = false;
                LOG.warn("posix_spawn_file_actions_addchdir_np is missing (glibc < 2.29); children change directory "
                        + "through /bin/sh instead");
            }
        }
        if (closefromAvailable) {
            try {
                checkRc(LIBC.posix_spawn_file_actions_addclosefrom_np(actions, 3), "addclosefrom_np");
                return chdirDone;
            } catch (UnsatisfiedLinkError e) {
                closefromAvailable = false;
                LOG.warn("posix_spawn_file_actions_addclosefrom_np is missing (glibc < 2.34); closing inherited fds "
                        + "from a /proc/self/fd listing instead");
            }
        }
        // Racy against fds opened by other threads between the listing and the spawn; the best glibc < 2.34 allows.
        for (int fd : openFdsFrom(3)) {
            checkRc(LIBC.posix_spawn_file_actions_addclose(actions, fd), "addclose " + fd);
        }
        return chdirDone;
    }

    private static void addStdio(Pointer actions, ChildStdio stdio) throws NativeCallException {
        if (stdio instanceof ChildStdio.Fds fds) {
            checkRc(LIBC.posix_spawn_file_actions_adddup2(actions, fds.stdin(), 0), "adddup2 stdin");
            checkRc(LIBC.posix_spawn_file_actions_adddup2(actions, fds.stdout(), 1), "adddup2 stdout");
            return;
        }
        ChildStdio.Terminal terminal = (ChildStdio.Terminal) stdio;
        // No O_NOCTTY: this open, in the new session SETSID made, makes the slave the controlling terminal.
        checkRc(STDIO.posix_spawn_file_actions_addopen(actions, 0, terminal.slave().toString(), O_RDWR, 0),
                "addopen " + terminal.slave());
        checkRc(LIBC.posix_spawn_file_actions_adddup2(actions, 0, 1), "adddup2 terminal stdout");
    }

    private static List<Integer> openFdsFrom(int lowest) throws NativeCallException {
        List<Integer> fds = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path entry : dir) {
                int fd = Integer.parseInt(entry.getFileName().toString());
                if (fd >= lowest) {
                    fds.add(fd);
                }
            }
        } catch (IOException e) {
            throw new NativeCallException("list /proc/self/fd (" + e.getMessage() + ")", 0);
        }
        return fds;
    }

    private static List<String> viaShellChdir(SpawnRequest request) {
        // argv[0] of the target is lost: sh's exec has no portable "-a". Only used on glibc < 2.29.
        List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", CHDIR_SCRIPT, "sh", request.cwd().toString(),
                request.binary().toString()));
        argv.addAll(request.argv().subList(1, request.argv().size()));
        return argv;
    }

    private static void checkRc(int rc, String what) throws NativeCallException {
        if (rc != 0) {
            throw new NativeCallException(what, rc);
        }
    }
}
