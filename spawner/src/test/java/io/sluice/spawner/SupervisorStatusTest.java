package io.sluice.spawner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.spawner.spec.BackendAddress;
import io.sluice.spawner.spec.BackendGroup;
import io.sluice.spawner.spec.BackendSpec;
import io.sluice.spawner.spec.BalanceKind;
import io.sluice.spawner.spec.LaunchSpec;
import io.sluice.spawner.spec.PoolLimits;
import io.sluice.spawner.status.BackendStatus;
import io.sluice.spawner.status.ExitKey;
import io.sluice.spawner.status.ExitKey.ExitCause;
import io.sluice.spawner.status.ExitKey.StopStep;
import io.sluice.spawner.status.WorkerStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The status the supervisor publishes for operators, with real children ({@code /bin/sleep}): pid and start of the
 * running worker, a crash by signal as last exit with its bounded key, the restart with a new pid, and the requested
 * stop at the end. No process or file is left behind.
 */
class SupervisorStatusTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String ROUTE = "/sleep/";
    private static final int SIGTERM = 15;

    private Path dir;
    private Supervisor supervisor;

    @BeforeEach
    void createDirectory() throws IOException {
        dir = Files.createTempDirectory(Path.of("/tmp"), "sluice");
    }

    @AfterEach
    void nothingOutlivesTheSupervisor() throws IOException {
        if (supervisor != null) {
            supervisor.stop();
        }
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList()).isEmpty();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void statusShowsPidsCrashesRestartsAndTheRequestedStop() throws Exception {
        Path sleep = Path.of("/bin/sleep");
        LaunchSpec launch = new LaunchSpec(sleep, List.of("sleep", "600"), Map.of(), dir, SIGTERM,
                Duration.ofSeconds(5), 16, 0600);
        BackendSpec spec = new BackendSpec("sleeper", new BackendAddress.UnixPath(dir.resolve("s.sock")),
                Duration.ofSeconds(1), Duration.ofSeconds(8), new PoolLimits(1, 1, 1, Duration.ofSeconds(60)), launch);
        supervisor = new Supervisor(List.of(new BackendGroup(ROUTE, BalanceKind.LEAST_CONNECTION, List.of(spec))),
                InstantSource.system(), dir.resolve("run"));
        assertThat(supervisor.status().current().backends()).isEmpty();
        supervisor.start();

        BackendStatus backend = backend();
        assertThat(backend.kind()).isEqualTo(BackendStatus.Kind.POOL);
        assertThat(backend.workers()).extracting(WorkerStatus::id).containsExactly(0);
        WorkerStatus first = backend.workers().get(0);
        assertThat(first.state()).isEqualTo(WorkerStatus.State.RUNNING);
        assertThat(first.pid()).isPositive();
        assertThat(ProcessHandle.of(first.pid())).isPresent();
        assertThat(first.startedAt()).isNotNull();
        assertThat(first.lastExit()).isNull();
        assertThat(first.restarts()).isZero();
        assertThat(backend.spawns()).isEqualTo(1);
        assertThat(supervisor.status().current().hasRunningWorker(ROUTE)).isTrue();

        kill("SEGV", first.pid());
        await().atMost(WAIT).until(() -> worker0().lastExit() != null);
        assertThat(worker0().lastExit().pid()).isEqualTo(first.pid());
        assertThat(worker0().lastExit().description()).isEqualTo("killed by SIGSEGV");
        ExitKey crash = new ExitKey(ExitCause.SIGNAL, "SEGV", StopStep.NONE);
        assertThat(worker0().lastExit().key()).isEqualTo(crash);
        await().atMost(WAIT).until(() -> worker0().state() == WorkerStatus.State.RUNNING
                && worker0().pid() != first.pid());
        assertThat(worker0().restarts()).isEqualTo(1);
        assertThat(worker0().crashesInARow()).isEqualTo(1);
        assertThat(backend().spawns()).isEqualTo(2);
        assertThat(backend().exits()).isEqualTo(Map.of(crash, 1L));

        long second = worker0().pid();
        supervisor.stop();
        WorkerStatus stopped = worker0();
        assertThat(stopped.state()).isEqualTo(WorkerStatus.State.DEAD);
        assertThat(stopped.lastExit().pid()).isEqualTo(second);
        assertThat(stopped.lastExit().key()).isEqualTo(new ExitKey(ExitCause.SIGNAL, "TERM", StopStep.KILL_SIGNAL));
        assertThat(backend().exits()).containsEntry(crash, 1L).hasSize(2);
        assertThat(supervisor.status().current().hasRunningWorker(ROUTE)).isFalse();
    }

    private BackendStatus backend() {
        List<BackendStatus> backends = supervisor.status().current().backendsOf(ROUTE);
        assertThat(backends).hasSize(1);
        return backends.get(0);
    }

    private WorkerStatus worker0() {
        return backend().workers().get(0);
    }

    private static void kill(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }
}
