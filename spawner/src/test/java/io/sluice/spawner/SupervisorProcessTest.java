package io.sluice.spawner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ch.qos.logback.classic.Level;
import io.sluice.spawner.pool.LogCapture;
import io.sluice.spawner.pool.WorkerStartException;
import io.sluice.spawner.process.ProcessGroupLedger;
import io.sluice.spawner.registry.Acquisition;
import io.sluice.spawner.registry.Lease;
import io.sluice.spawner.registry.SelectionKey;
import io.sluice.spawner.registry.SessionRequest;
import io.sluice.spawner.registry.WorkerOutcome;
import io.sluice.spawner.spec.BackendAddress;
import io.sluice.spawner.spec.BackendGroup;
import io.sluice.spawner.spec.BackendSpec;
import io.sluice.spawner.spec.BalanceKind;
import io.sluice.spawner.spec.LaunchSpec;
import io.sluice.spawner.spec.PoolLimits;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
 * The supervisor with real children: {@code java EchoBackend.java} accepting on fd 0, sockets under /tmp. Every test
 * ends with no descendant process and no socket file.
 */
class SupervisorProcessTest {

    private static final String ROUTE = "/echo/";
    private static final SessionRequest KEY = new SessionRequest(
            new SelectionKey("/echo/", "example.com", "192.0.2.7"), "s1", null, List::of);
    private static final Path JAVA = Path.of(ProcessHandle.current().info().command().orElseThrow());
    private static final Path ECHO_SOURCE = Path.of("src/test/resources/backends/EchoBackend.java").toAbsolutePath();
    private static final int SIGTERM = 15;

    private Path dir;
    private Path runtimeDir;
    private Supervisor supervisor;

    @BeforeEach
    void createDirectory() throws IOException {
        dir = Files.createTempDirectory(Path.of("/tmp"), "sluice");
        runtimeDir = dir.resolve("run");
    }

    @AfterEach
    void nothingOutlivesTheSupervisor() throws IOException {
        if (supervisor != null) {
            supervisor.stop();
        }
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList())
                .as("children left behind").isEmpty();
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> all = files.sorted(Comparator.reverseOrder()).toList();
            assertThat(all).as("socket files left behind").noneMatch(p -> p.getFileName().toString().startsWith("echo"));
            for (Path p : all) {
                Files.delete(p);
            }
        }
    }

    private BackendSpec echo(PoolLimits limits, LaunchSpec launch) {
        return new BackendSpec("echo", new BackendAddress.UnixPath(dir.resolve("echo.sock")), Duration.ofSeconds(1),
                Duration.ofSeconds(8), limits, launch);
    }

    private LaunchSpec javaEcho(Duration stopTimeout) {
        return new LaunchSpec(JAVA, List.of(JAVA.toString(), ECHO_SOURCE.toString()), Map.of("PATH", "/usr/bin:/bin"),
                dir, SIGTERM, stopTimeout, 16, 0600);
    }

    private Supervisor start(BackendSpec spec) {
        supervisor = new Supervisor(List.of(new BackendGroup(ROUTE, BalanceKind.LEAST_CONNECTION, List.of(spec))),
                InstantSource.system(), runtimeDir);
        supervisor.start();
        return supervisor;
    }

    private Lease acquire() {
        Acquisition acquisition = supervisor.registry().acquire(ROUTE, KEY);
        assertThat(acquisition).isInstanceOf(Lease.class);
        return (Lease) acquisition;
    }

    /** Waits for the lease to be ready, connects, sends one line and returns the answer (bounded). */
    private static String echoThrough(Lease lease, String line) {
        return assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            lease.ready().toCompletableFuture().get(10, TimeUnit.SECONDS);
            Path path = ((BackendAddress.UnixPath) lease.address()).path();
            try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
                lease.connected();
                channel.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
                BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
                        StandardCharsets.UTF_8));
                return in.readLine();
            }
        });
    }

    private static List<ProcessHandle> children() {
        return ProcessHandle.current().children().filter(ProcessHandle::isAlive).toList();
    }

    @Test
    void spawnedWorkerEchoesThroughItsSocketAndStopRemovesProcessAndSocket() {
        start(echo(new PoolLimits(1, 2, 1, Duration.ofSeconds(60)), javaEcho(Duration.ofSeconds(5))));
        assertThat(dir.resolve("echo.sock-0")).exists();
        assertThat(runtimeDir.resolve(Supervisor.LEDGER_FILE)).exists();

        try (Lease lease = acquire()) {
            assertThat(lease.address()).isEqualTo(new BackendAddress.UnixPath(dir.resolve("echo.sock-0")));
            assertThat(echoThrough(lease, "hello")).isEqualTo("echo:hello");
        }
        supervisor.stop();
        assertThat(children()).isEmpty();
        assertThat(dir.resolve("echo.sock-0")).doesNotExist();
    }

    @Test
    void runtimeDirectoryIsCreatedPrivate() throws IOException {
        start(echo(new PoolLimits(0, 1, 1, Duration.ofSeconds(60)), javaEcho(Duration.ofSeconds(5))));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(runtimeDir))).isEqualTo("rwx------");
    }

    @Test
    void minProcsZeroSpawnsForTheFirstConnectionWhichWaitsOnReady() throws Exception {
        start(echo(new PoolLimits(0, 1, 1, Duration.ofSeconds(60)), javaEcho(Duration.ofSeconds(5))));
        assertThat(children()).isEmpty();

        long before = System.nanoTime();
        try (Lease lease = acquire()) {
            lease.ready().toCompletableFuture().get(10, TimeUnit.SECONDS);
            long readyMicros = (System.nanoTime() - before) / 1000;
            assertThat(children()).hasSize(1);
            String answer = echoThrough(lease, "on demand");
            long echoMillis = (System.nanoTime() - before) / 1_000_000;
            System.out.printf("MEASURED min-procs 0: acquire -> ready %d us, acquire -> first echo %d ms%n",
                    readyMicros, echoMillis);
            assertThat(answer).isEqualTo("echo:on demand");
        }
    }

    @Test
    void scalesUpWhenTheOnlyWorkerIsOverMaxLoad() {
        start(echo(new PoolLimits(1, 2, 0, Duration.ofSeconds(60)), javaEcho(Duration.ofSeconds(5))));
        long before = System.nanoTime();
        try (Lease first = acquire()) {
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1)).until(() -> {
                try (Lease probe = acquire()) {
                    return probe.address().equals(new BackendAddress.UnixPath(dir.resolve("echo.sock-1")));
                }
            });
            System.out.printf("MEASURED scale-up: acquire over max-load -> second worker in rotation %d us%n",
                    (System.nanoTime() - before) / 1000);
            assertThat(children()).hasSize(2);
            assertThat(first.address()).isEqualTo(new BackendAddress.UnixPath(dir.resolve("echo.sock-0")));
        }
    }

    @Test
    void aWorkerKilledWithSigkillEndsItsSessionsAsACrashAndAcceptsAgainAfterBackoff() throws Exception {
        start(echo(new PoolLimits(1, 1, 1, Duration.ofSeconds(60)), javaEcho(Duration.ofSeconds(5))));
        Lease lease = acquire();
        assertThat(echoThrough(lease, "before")).isEqualTo("echo:before");
        ProcessHandle worker = children().get(0);

        worker.destroyForcibly();
        await().atMost(Duration.ofSeconds(10)).until(() -> lease.workerOutcome().kind().isFinal());
        assertThat(lease.workerOutcome()).isEqualTo(WorkerOutcome.failed("killed by SIGKILL"));
        lease.close();

        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            try (Lease again = acquire()) {
                return echoThrough(again, "after").equals("echo:after");
            }
        });
        assertThat(children()).hasSize(1).doesNotContain(worker);
    }

    /**
     * A backend that exits at once must not make the supervisor spin: each try is one more failed start in a row,
     * after the backend's backoff (about 1 s, then 2 s), and the first failure says why programs do that.
     */
    @Test
    void aBackendThatExitsAtOnceIsRestartedWithBackoffNotInALoop() {
        LaunchSpec failing = new LaunchSpec(Path.of("/bin/sh"), List.of("sh", "-c", "exit 1"), Map.of(), dir,
                SIGTERM, Duration.ofSeconds(1), 16, 0600);
        try (LogCapture log = new LogCapture("io.sluice.spawner.pool.WorkerRunner")) {
            start(echo(new PoolLimits(1, 4, 1, Duration.ofSeconds(60)), failing));
            await().atMost(Duration.ofSeconds(20)).until(() -> exitLines(log).size() >= 2);
            assertThat(exitLines(log).get(0)).matches("worker echo#0 \\(route /echo/, pid \\d+\\) exited with code 1 "
                    + "after \\d+ ms, at its start \\(1 failed start in a row\\); next try in ((8\\d\\d|9\\d\\d) ms|"
                    + "1\\.[012] s), one worker at a time until one has run 1\\.0 s");
            assertThat(exitLines(log).get(1)).matches("worker echo#0 .*\\(2 failed starts in a row\\); next try in "
                    + "(1\\.[6-9]|2\\.[0-4]) s, .*");
            assertThat(log.messages(Level.WARN)).filteredOn(m -> m.contains("fd 0 is a listening socket"))
                    .hasSize(1);
        }
    }

    private static List<String> exitLines(LogCapture log) {
        return log.messages(Level.WARN).stream().filter(m -> m.startsWith("worker echo#")).toList();
    }

    /**
     * Both workers ignore TERM: stop KILLs them after stop-timeout, concurrently. Shown by the order of events, not
     * by elapsed time: both ladders start before either worker is reaped (which takes stop-timeout), which one ladder
     * after the other could not do.
     */
    @Test
    void workersThatIgnoreSigtermAreKilledConcurrentlyAfterStopTimeout() {
        LaunchSpec stubborn = new LaunchSpec(Path.of("/bin/sh"),
                List.of("sh", "-c", "trap '' TERM; while :; do sleep 1; done"), Map.of("PATH", "/usr/bin:/bin"), dir,
                SIGTERM, Duration.ofSeconds(2), 16, 0600);
        start(echo(new PoolLimits(2, 2, 1, Duration.ofSeconds(60)), stubborn));
        List<ProcessHandle> workers = children();
        assertThat(workers).hasSize(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> ignoresTerm(workers.get(0).pid())
                && ignoresTerm(workers.get(1).pid()));

        try (LogCapture log = new LogCapture("io.sluice.spawner")) {
            supervisor.stop();
            List<String> events = log.messages().stream().filter(m -> m.startsWith("worker echo#") && (m.contains("RUNNING -> STOPPING")
                    || m.contains("ignored TERM for 2s; sending KILL") || m.contains("killed by signal 9"))).toList();
            assertThat(events).hasSize(6);
            assertThat(events.subList(0, 2)).as("both ladders start before either worker is reaped")
                    .allMatch(m -> m.contains("RUNNING -> STOPPING"));
            assertThat(events.subList(2, 6)).filteredOn(m -> m.contains("sending KILL")).hasSize(2);
        }
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(dir.resolve("echo.sock-0")).doesNotExist();
        assertThat(dir.resolve("echo.sock-1")).doesNotExist();
    }

    @Test
    void startFailsNamingRouteBackendWorkerAndBinaryWhenTheBinaryIsMissing() {
        LaunchSpec missing = new LaunchSpec(Path.of("/nonexistent/echo"), List.of("echo"), Map.of(), dir, SIGTERM,
                Duration.ofSeconds(1), 16, 0600);
        supervisor = new Supervisor(List.of(new BackendGroup(ROUTE, BalanceKind.LEAST_CONNECTION,
                List.of(echo(new PoolLimits(1, 1, 1, Duration.ofSeconds(60)), missing)))), InstantSource.system(),
                runtimeDir);

        assertThatThrownBy(supervisor::start).isInstanceOf(WorkerStartException.class)
                .hasMessageStartingWith("route '/echo/' backend 'echo': worker echo#0 (route /echo/): cannot start /nonexistent/echo: ")
                .hasMessageContaining("ENOENT (No such file or directory)")
                .hasMessageEndingWith("check bin-path (and, for a script, its #! interpreter)");
        assertThat(supervisor.state()).isEqualTo(SupervisorState.STOPPED);
        assertThat(dir.resolve("echo.sock-0")).doesNotExist();
    }

    /**
     * An earlier Sluice was SIGKILLed: its ledger still names a live process group that carries its instance token.
     * Start must kill that group before spawning, or orphaned backends pile up across restarts.
     */
    @Test
    void startKillsProcessGroupsLeftInTheLedgerByASigkilledSluice() throws Exception {
        String token = "0123456789abcdef0123456789abcdef";
        ProcessBuilder builder = new ProcessBuilder("/usr/bin/setsid", "/bin/sleep", "60");
        builder.environment().put("SLUICE_INSTANCE", token);
        Process orphan = builder.start();
        try {
            long pid = orphan.pid();
            await().atMost(Duration.ofSeconds(10)).until(() -> processGroup(pid) == pid);
            Files.createDirectories(runtimeDir, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            Files.writeString(runtimeDir.resolve(Supervisor.LEDGER_FILE), "instance " + token + "\n"
                    + pid + " " + ProcessGroupLedger.startTime((int) pid).orElseThrow() + "\n");

            start(echo(new PoolLimits(0, 1, 1, Duration.ofSeconds(60)), javaEcho(Duration.ofSeconds(5))));

            assertThat(orphan.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readAllLines(runtimeDir.resolve(Supervisor.LEDGER_FILE)))
                    .allMatch(line -> line.startsWith("instance "));
        } finally {
            orphan.destroyForcibly();
            orphan.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static boolean ignoresTerm(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << (SIGTERM - 1))) != 0;
            }
        }
        return false;
    }

    private static long processGroup(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[2]);
    }
}
