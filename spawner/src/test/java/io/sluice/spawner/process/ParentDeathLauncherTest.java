package io.sluice.spawner.process;

import static io.sluice.spawner.process.ChildFixture.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.sluice.spawner.posix.Signals;
import io.sluice.spawner.spec.LaunchSpec;
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

/** Workers started through setpriv die with the thread that spawned them. */
class ParentDeathLauncherTest {
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

    @Test
    void putsSetprivInFrontOfTheBinaryAndKeepsTheArguments() {
        LaunchSpec spec = spec(fixture.dir, Map.of("A", "1"), "/bin/cat", "-u");
        LaunchSpec wrapped = new ParentDeathLauncher(fixture.launcher, Path.of("/usr/bin/setpriv")).wrap(spec);
        assertThat(wrapped.binPath()).isEqualTo(Path.of("/usr/bin/setpriv"));
        assertThat(wrapped.argv()).containsExactly("/usr/bin/setpriv", "--pdeathsig", "KILL", "--", "/bin/cat", "-u");
        assertThat(wrapped.environment()).isEqualTo(Map.of("A", "1"));
        assertThat(wrapped.cwd()).isEqualTo(fixture.dir);
    }

    @Test
    void aBinaryThatCannotRunFailsWithItsOwnErrnoNotSetprivs() {
        ParentDeathLauncher launcher = new ParentDeathLauncher(fixture.launcher, ParentDeathLauncher.SETPRIV);
        assertThatThrownBy(() -> launcher.launch(spec(fixture.dir, Map.of(), "/nonexistent/worker"),
                fixture.socket("missing.sock"), Map.of(), "test#0"))
                .isInstanceOf(SpawnException.class)
                .hasMessageContaining("cannot start /nonexistent/worker")
                .hasMessageContaining("ENOENT");
    }

    /** reference/native-spawning.md §7: PDEATHSIG follows the spawning thread; here that thread ends on purpose. */
    @Test
    void aWorkerIsKilledWhenTheThreadThatSpawnedItEnds() throws Exception {
        assumeThat(ParentDeathLauncher.supportsPdeathsig(ParentDeathLauncher.SETPRIV)).isTrue();
        ParentDeathLauncher launcher = new ParentDeathLauncher(fixture.launcher, ParentDeathLauncher.SETPRIV);
        ListenSocket socket = fixture.socket("pdeath.sock");
        CompletableFuture<ChildProcess> spawned = new CompletableFuture<>();
        Thread spawner = new Thread(() -> {
            try {
                ChildProcess started = launcher.launch(spec(fixture.dir, Map.of(), "/bin/sleep", "60"), socket,
                        Map.of(), "test#0");
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

    private static String cmdline(int pid) throws IOException {
        return new String(Files.readAllBytes(Path.of("/proc", Integer.toString(pid), "cmdline")),
                StandardCharsets.UTF_8).replace('\0', ' ');
    }
}
