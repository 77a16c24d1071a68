package io.sluice.spawner.process;

import static io.sluice.spawner.process.ChildFixture.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.sluice.spawner.posix.Accounts;
import io.sluice.spawner.posix.Signals;
import io.sluice.spawner.spec.Confinement;
import io.sluice.spawner.spec.LaunchSpec;
import io.sluice.spawner.spec.ResourceLimit;
import io.sluice.spawner.spec.ResourceLimit.Resource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What runs in front of a worker: the argv it composes, what it refuses at the start, and on real children that the
 * limits and the user are in place from the program's first instruction and that the death signal survives the user
 * change.
 */
class ExecWrappersTest {
    private static final OwnLimits OWN = OwnLimits.parse("""
            Limit                     Soft Limit           Hard Limit           Units
            Max open files            1024                 4096                 files
            Max processes             unlimited            unlimited            processes
            """);
    private static final Path SETPRIV = ExecWrappers.SETPRIV;
    private static final Path PRLIMIT = ExecWrappers.PRLIMIT;

    private ChildFixture fixture;
    private ChildProcess child;

    @BeforeEach
    void setUp() throws IOException {
        fixture = new ChildFixture();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (child != null) {
            child.signalGroup(Signals.KILL);
            child.exit().get(10, TimeUnit.SECONDS);
        }
        fixture.close();
    }

    private LaunchSpec confined(Confinement confinement, String... argv) {
        LaunchSpec plain = spec(fixture.dir, Map.of("A", "1"), argv);
        return new LaunchSpec(plain.binPath(), plain.argv(), plain.environment(), plain.cwd(), plain.killSignal(),
                plain.stopTimeout(), plain.listenBacklog(), plain.socketMode(), confinement);
    }

    @Test
    void putsSetprivWithTheDeathSignalInFrontAndKeepsTheArguments() {
        ExecWrappers wrappers = new ExecWrappers(SETPRIV, true, PRLIMIT, 1000, 1000, OWN);

        ExecWrappers.Exec exec = wrappers.exec(confined(Confinement.NONE, "/bin/cat", "-u"));

        assertThat(exec.binary()).isEqualTo(SETPRIV);
        assertThat(exec.argv()).containsExactly("/usr/bin/setpriv", "--pdeathsig", "KILL", "--", "/bin/cat", "-u");
    }

    @Test
    void withoutWrappersTheProgramRunsWithItsArgvAsWritten() {
        ExecWrappers wrappers = new ExecWrappers(null, false, null, 1000, 1000, OWN);

        ExecWrappers.Exec exec = wrappers.exec(confined(Confinement.NONE, "/bin/cat", "-u"));

        assertThat(exec.binary()).isEqualTo(Path.of("/bin/cat"));
        assertThat(exec.argv()).containsExactly("/bin/cat", "-u");
    }

    /**
     * A per-connection program's death signal is Sluice's end of its stdio: no setpriv of its own for it, but it
     * rides along when setpriv runs anyway, and limits still apply.
     */
    @Test
    void aPerConnectionProgramGetsNoExecJustForTheDeathSignalButKeepsItsLimits() {
        ExecWrappers wrappers = new ExecWrappers(SETPRIV, true, PRLIMIT, 1000, 1000, OWN);

        ExecWrappers.Exec bare = wrappers.exec(confined(Confinement.NONE, "/bin/cat", "-u"), false);
        ExecWrappers.Exec limited = wrappers.exec(confined(new Confinement(null, null, false,
                List.of(new ResourceLimit(Resource.NOFILE, 64, 64))), "/bin/cat"), false);

        assertThat(bare.argv()).containsExactly("/bin/cat", "-u");
        assertThat(limited.argv()).containsExactly("/usr/bin/prlimit", "--nofile=64:64", "--", "/bin/cat");
    }

    /** prlimit first (as root it may raise hard limits), then setpriv, which sets the death signal after the uid. */
    @Test
    void asRootComposesPrlimitThenSetprivWithTheUserAndItsGroups() {
        assumeThat(Accounts.user("nobody")).isPresent();
        ExecWrappers wrappers = new ExecWrappers(SETPRIV, true, PRLIMIT, 0, 0, OWN);
        Confinement confinement = new Confinement("nobody", null, false, List.of(
                new ResourceLimit(Resource.NOFILE, 256, 1024), new ResourceLimit(Resource.CORE, 0, 0)));
        Accounts.User nobody = Accounts.user("nobody").orElseThrow();

        ExecWrappers.Exec exec = wrappers.exec(confined(confinement, "/bin/cat"));

        assertThat(exec.binary()).isEqualTo(PRLIMIT);
        assertThat(exec.argv()).containsExactly("/usr/bin/prlimit", "--nofile=256:1024", "--core=0:0", "--",
                "/usr/bin/setpriv", "--reuid=" + nobody.uid(), "--regid=" + nobody.gid(), "--init-groups",
                "--pdeathsig", "KILL", "--", "/bin/cat");
    }

    @Test
    void refusesAtTheStartWhatCannotBeApplied() {
        ExecWrappers notRoot = new ExecWrappers(SETPRIV, true, PRLIMIT, 1000, 1000, OWN);
        assertThatThrownBy(() -> notRoot.check(confined(new Confinement("0", "0", false, List.of()), "/bin/cat"),
                false)).hasMessageStartingWith("user: Sluice runs as uid 1000 gid 1000, not as root");
        assertThatThrownBy(() -> notRoot.check(confined(new Confinement(null, null, false,
                List.of(new ResourceLimit(Resource.NOFILE, 256, 8192))), "/bin/cat"), false))
                .hasMessage("rlimits.nofile: the hard limit 8192 is above Sluice's own (4096), which only root may "
                        + "raise");
        notRoot.check(confined(new Confinement(null, null, false,
                List.of(new ResourceLimit(Resource.NOFILE, 256, 4096))), "/bin/cat"), true);

        ExecWrappers noPrlimit = new ExecWrappers(SETPRIV, true, null, 0, 0, OWN);
        assertThatThrownBy(() -> noPrlimit.check(confined(new Confinement(null, null, true,
                List.of(new ResourceLimit(Resource.CORE, 0, 0))), "/bin/cat"), false))
                .hasMessageStartingWith("rlimits: setting the workers' limits needs /usr/bin/prlimit");

        ExecWrappers root = new ExecWrappers(SETPRIV, true, PRLIMIT, 0, 0, OWN);
        assertThatThrownBy(() -> root.check(confined(Confinement.NONE, "/bin/cat"), true))
                .hasMessageStartingWith("user: Sluice runs as root and this per-key host sets no user");
        assertThatThrownBy(() -> root.check(confined(new Confinement("root", null, false, List.of()), "/bin/cat"),
                false)).hasMessageStartingWith("user: the workers would run as root");
        assertThatThrownBy(() -> root.check(confined(new Confinement("no-such-user-here", null, false, List.of()),
                "/bin/cat"), false)).hasMessage("user: no such user 'no-such-user-here'");
        root.check(confined(new Confinement(null, null, true, List.of()), "/bin/cat"), true);
        root.check(confined(Confinement.NONE, "/bin/cat"), false); // a pool as root, as before
    }

    @Test
    void aBinaryThatCannotRunFailsWithItsOwnErrnoNotTheWrappers() throws IOException {
        PosixSpawnLauncher launcher = new PosixSpawnLauncher(fixture.watcher, null, ExecWrappers.detect());
        assertThatThrownBy(() -> launcher.launch(spec(fixture.dir, Map.of(), "/nonexistent/worker"),
                fixture.socket("missing.sock"), Map.of(), "test#0"))
                .isInstanceOf(SpawnException.class)
                .hasMessageContaining("cannot start /nonexistent/worker")
                .hasMessageContaining("ENOENT");
    }

    /**
     * The limits and the user are the program's own from its start (/proc/PID/limits and status after the exec),
     * its capabilities are gone, and it keeps fd 0 and its environment.
     */
    @Test
    void theProgramRunsWithItsLimitsAndAsItsUser() throws Exception {
        ExecWrappers wrappers = ExecWrappers.detect();
        boolean root = Accounts.euid() == 0;
        Confinement confinement = new Confinement(root ? "nobody" : null, null, false, List.of(
                new ResourceLimit(Resource.NOFILE, 64, 128), new ResourceLimit(Resource.CORE, 0, 0)));
        LaunchSpec spec = confined(confinement, "/bin/sleep", "60");
        wrappers.check(spec, false);
        PosixSpawnLauncher launcher = new PosixSpawnLauncher(fixture.watcher, null, wrappers);
        ListenSocket socket = fixture.socket("limits.sock");

        child = launcher.launch(spec, socket, Map.of("B", "2"), "test#0");

        await().atMost(Duration.ofSeconds(10)).until(() -> cmdline(child.pid()).startsWith("/bin/sleep 60"));
        String limits = Files.readString(proc(child.pid(), "limits"));
        assertThat(limits).containsPattern("Max open files\\s+64\\s+128\\s")
                .containsPattern("Max core file size\\s+0\\s+0\\s");
        String environ = Files.readString(proc(child.pid(), "environ")).replace('\0', '\n');
        assertThat(environ).contains("A=1\n").contains("B=2\n");
        assertThat(Files.readSymbolicLink(proc(child.pid(), "fd/0")).toString()).startsWith("socket:");
        if (root) {
            Accounts.User nobody = Accounts.user("nobody").orElseThrow();
            String status = Files.readString(proc(child.pid(), "status"));
            assertThat(status).containsPattern("\\nUid:\\s+%d\\s+%d\\s+%d\\s+%d\\n".formatted(nobody.uid(),
                    nobody.uid(), nobody.uid(), nobody.uid()));
            assertThat(status).containsPattern("\\nGid:\\s+%d\\s+%d\\s+%d\\s+%d\\n".formatted(nobody.gid(),
                    nobody.gid(), nobody.gid(), nobody.gid()));
            assertThat(status).contains("\nCapEff:\t0000000000000000\n");
        }
    }

    /** reference/native-spawning.md §7: PDEATHSIG follows the spawning thread; here that thread ends on purpose. */
    @Test
    void aWorkerIsKilledWhenTheThreadThatSpawnedItEndsAlsoAfterAUserChange() throws Exception {
        ExecWrappers wrappers = ExecWrappers.detect();
        assumeThat(ExecWrappers.helpMentions(SETPRIV, "--pdeathsig")).isTrue();
        boolean root = Accounts.euid() == 0;
        LaunchSpec spec = confined(new Confinement(root ? "nobody" : null, null, false, List.of()), "/bin/sleep",
                "60");
        PosixSpawnLauncher launcher = new PosixSpawnLauncher(fixture.watcher, null, wrappers);
        ListenSocket socket = fixture.socket("pdeath.sock");
        CompletableFuture<ChildProcess> spawned = new CompletableFuture<>();
        Thread spawner = new Thread(() -> {
            try {
                ChildProcess started = launcher.launch(spec, socket, Map.of(), "test#0");
                spawned.complete(started);
                // Only once setpriv has exec'd sleep is the death signal armed; end the thread after that.
                await().atMost(Duration.ofSeconds(10)).until(() -> cmdline(started.pid()).startsWith("/bin/sleep"));
            } catch (Throwable e) {
                spawned.completeExceptionally(e);
            }
        }, "short-lived-spawner");
        spawner.start();
        child = spawned.get(10, TimeUnit.SECONDS);
        spawner.join(15_000);

        assertThat(child.exit().get(10, TimeUnit.SECONDS)).isEqualTo(new ExitStatus.Killed(Signals.KILL));
    }

    private static Path proc(int pid, String file) {
        return Path.of("/proc", Integer.toString(pid), file);
    }

    private static String cmdline(int pid) throws IOException {
        return new String(Files.readAllBytes(proc(pid, "cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
    }
}
