package io.sluice.spawner.pool;

import io.sluice.spawner.process.ChildProcess;
import io.sluice.spawner.process.ExitStatus;
import io.sluice.spawner.process.ListenSocket;
import io.sluice.spawner.process.ProcessLauncher;
import io.sluice.spawner.process.SpawnException;
import io.sluice.spawner.spec.LaunchSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A launcher that starts nothing: it records each launch and hands the test the exit future to complete and the
 * signals the pool sent. Can be told to fail the next launch, or to make every child exit at once. Test thread and
 * the ladder's timer thread (signals); the lists are thread-safe.
 */
final class FakeLauncher implements ProcessLauncher {

    /** One recorded launch: what was asked, the exit the test completes, and the signals sent to its group. */
    record Launch(String name, int pid, Map<String, String> extraEnv, ListenSocket socket,
                  CompletableFuture<ExitStatus> exit, List<Integer> signals, LaunchSpec spec) {
        void exits(int code) {
            exit.complete(new ExitStatus.Exited(code));
        }

        void killedBy(int signal) {
            exit.complete(new ExitStatus.Killed(signal));
        }
    }

    final List<Launch> launches = new CopyOnWriteArrayList<>();
    private SpawnException nextFailure;
    private ExitStatus exitAtOnce;
    private int nextPid = 1000;

    @Override
    public ChildProcess launch(LaunchSpec spec, ListenSocket socket, Map<String, String> extraEnv, String logName)
            throws SpawnException {
        if (nextFailure != null) {
            SpawnException failure = nextFailure;
            nextFailure = null;
            throw failure;
        }
        CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
        List<Integer> signals = new CopyOnWriteArrayList<>();
        int pid = nextPid++;
        launches.add(new Launch(logName, pid, Map.copyOf(extraEnv), socket, exit, signals, spec));
        if (exitAtOnce != null) {
            exit.complete(exitAtOnce);
        }
        return new ChildProcess(logName, pid, exit, signal -> {
            signals.add(signal);
            return !exit.isDone();
        });
    }

    void failNextLaunch(SpawnException failure) {
        nextFailure = failure;
    }

    /** Every later child exits with {@code status} the moment it is launched. */
    void exitAtOnce(ExitStatus status) {
        exitAtOnce = status;
    }

    Launch last() {
        return launches.get(launches.size() - 1);
    }

    List<String> names() {
        List<String> names = new ArrayList<>();
        launches.forEach(l -> names.add(l.name()));
        return names;
    }
}
