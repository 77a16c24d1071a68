package io.sluice.it.harness;

import io.sluice.it.fixture.TestBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Spawned {@link TestBackend} workers as a test sees them: the {@code bin-path} list to put in a config (tagged so
 * the test finds exactly its own workers in the process table), and the live ones.
 */
public final class Workers {
    private final String tag = "sluice-it-" + UUID.randomUUID();

    /** A YAML flow list: the fixture run by this JVM's java, accepting on fd 0, in {@code mode}. */
    public String binPath(String mode, String... flags) {
        List<String> argv = new ArrayList<>(BackendProcess.javaCommand());
        argv.addAll(List.of(TestBackend.class.getName(), "--tag", tag, "--mode", mode));
        argv.addAll(List.of(flags));
        return argv.stream().map(a -> "\"" + a.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                .collect(Collectors.joining(", ", "[", "]"));
    }

    /**
     * A YAML flow list: {@code python3 SCRIPT}, tagged like the Java workers (Python ignores the extra arguments).
     * Python starts in milliseconds and needs no class path, so it also runs as another user (nobody).
     */
    public String python(java.nio.file.Path script) {
        return List.of("/usr/bin/python3", script.toString(), "--tag", tag).stream()
                .map(a -> "\"" + a.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                .collect(Collectors.joining(", ", "[", "]"));
    }

    /** The mark in every worker's arguments; a shell program takes it as its {@code $0}. */
    public String tag() {
        return tag;
    }

    /** Every live process of this machine that is one of these workers (zombies excluded). */
    public List<ProcessHandle> alive() {
        return ProcessHandle.allProcesses().filter(this::tagged).filter(Workers::notZombie).toList();
    }

    /** Reads /proc/PID/cmdline itself: ProcessHandle.Info may drop the arguments of long command lines. */
    private boolean tagged(ProcessHandle process) {
        try {
            byte[] cmdline = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/" + process.pid() + "/cmdline"));
            return new String(cmdline, java.nio.charset.StandardCharsets.UTF_8).contains("\0" + tag + "\0");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    public List<Long> pids() {
        return alive().stream().map(ProcessHandle::pid).sorted().toList();
    }

    private static boolean notZombie(ProcessHandle process) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + process.pid() + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** SIGKILLs whatever is left, so a failed test leaves nothing behind. */
    public void killAll() {
        alive().forEach(ProcessHandle::destroyForcibly);
    }
}
