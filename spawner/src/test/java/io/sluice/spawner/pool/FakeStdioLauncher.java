package io.sluice.spawner.pool;

import io.sluice.spawner.posix.NativeCallException;
import io.sluice.spawner.posix.Posix;
import io.sluice.spawner.posix.SocketPair;
import io.sluice.spawner.process.ChildProcess;
import io.sluice.spawner.process.ExitStatus;
import io.sluice.spawner.process.SpawnException;
import io.sluice.spawner.process.StdioKind;
import io.sluice.spawner.process.StdioLauncher;
import io.sluice.spawner.process.StdioProgram;
import io.sluice.spawner.spec.LaunchSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stdio launcher that starts no process: each launch is a real socketpair (the pool's end goes into the
 * {@link StdioProgram}, the "program's" end stays here for the test to read) and an exit future the test completes.
 * Can be told to fail the next launch. The lists are thread-safe; {@link #close()} closes the program ends.
 */
final class FakeStdioLauncher implements StdioLauncher, AutoCloseable {

    /** One launch: its name, the environment it got, the program's end of the socketpair, its exit, its signals. */
    record Launch(String name, int pid, List<byte[]> env, int programEnd, CompletableFuture<ExitStatus> exit,
                  List<Integer> signals) {
        void exits(int code) {
            exit.complete(new ExitStatus.Exited(code));
        }

        String envText() {
            StringBuilder text = new StringBuilder();
            env.forEach(e -> text.append(new String(e, StandardCharsets.ISO_8859_1)).append('\n'));
            return text.toString();
        }

        /** Whether the pool's end is closed: the program would read end of file (EAGAIN: it is open). */
        boolean sawEndOfFile() throws NativeCallException {
            Posix.setNonBlocking(programEnd, true);
            try {
                return Posix.read(programEnd, new byte[16]) == 0;
            } catch (NativeCallException e) {
                return false;
            }
        }
    }

    final List<Launch> launches = new CopyOnWriteArrayList<>();
    private SpawnException nextFailure;
    private int nextPid = 2000;

    @Override
    public StdioProgram launch(LaunchSpec spec, StdioKind kind, List<byte[]> sessionEnv, String logName)
            throws SpawnException {
        if (nextFailure != null) {
            SpawnException failure = nextFailure;
            nextFailure = null;
            throw failure;
        }
        int[] pair;
        try {
            pair = SocketPair.open();
        } catch (NativeCallException e) {
            throw new IllegalStateException(e);
        }
        CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
        List<Integer> signals = new CopyOnWriteArrayList<>();
        int pid = nextPid++;
        launches.add(new Launch(logName, pid, List.copyOf(sessionEnv), pair[1], exit, signals));
        ChildProcess child = new ChildProcess(logName, pid, exit, signal -> {
            signals.add(signal);
            return !exit.isDone();
        });
        return new StdioProgram(child, StdioKind.SOCKETPAIR, pair[0], null);
    }

    void failNextLaunch(SpawnException failure) {
        nextFailure = failure;
    }

    Launch last() {
        return launches.get(launches.size() - 1);
    }

    @Override
    public void close() {
        launches.forEach(l -> Posix.close(l.programEnd()));
    }
}
