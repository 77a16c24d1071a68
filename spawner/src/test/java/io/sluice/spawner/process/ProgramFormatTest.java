package io.sluice.spawner.process;

import static io.sluice.spawner.process.ChildFixture.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.sluice.spawner.spec.Confinement;
import io.sluice.spawner.spec.LaunchSpec;
import io.sluice.spawner.spec.ResourceLimit;
import io.sluice.spawner.spec.ResourceLimit.Resource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A program file the kernel cannot execute (a script without {@code #!}, garbage) fails its spawn with ENOEXEC and the
 * hint, also where setpriv runs in front of workers for the death signal. setpriv executes the program with
 * {@code execvp}, which on ENOEXEC runs the file through {@code /bin/sh}: a script without {@code #!} then ran as a
 * shell script on machines with util-linux and failed with ENOEXEC on those without, and garbage failed as "exited
 * with code 127" with a shell's "not found" instead of the spawn's own errno and hint.
 */
class ProgramFormatTest {
    private static final OwnLimits OWN = OwnLimits.parse("""
            Limit                     Soft Limit           Hard Limit           Units
            Max open files            1024                 4096                 files
            """);

    private ChildFixture fixture;

    @BeforeEach
    void setUp() throws IOException {
        fixture = new ChildFixture();
    }

    @AfterEach
    void tearDown() throws IOException {
        fixture.close();
    }

    private Path program(String name, byte[] content) throws IOException {
        Path file = fixture.dir.resolve(name);
        Files.write(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    private static LaunchSpec confined(LaunchSpec plain, Confinement confinement) {
        return new LaunchSpec(plain.binPath(), plain.argv(), plain.environment(), plain.cwd(), plain.killSignal(),
                plain.stopTimeout(), plain.listenBacklog(), plain.socketMode(), confinement);
    }

    @Test
    void aScriptWithoutShebangFailsWithEnoexecAndItsHintBehindTheDeathSignalWrapper() throws IOException {
        assumeThat(Files.isExecutable(ExecWrappers.SETPRIV)).as("util-linux setpriv").isTrue();
        Path script = program("no-shebang.sh", "echo started > started\n".getBytes());
        PosixSpawnLauncher launcher = new PosixSpawnLauncher(fixture.watcher, null,
                new ExecWrappers(ExecWrappers.SETPRIV, true, null, 1000, 1000, OWN));

        assertThatThrownBy(() -> launcher.launch(spec(fixture.dir, Map.of(), script.toString()),
                fixture.socket("s.sock"), Map.of(), "test#0"))
                .isInstanceOf(SpawnException.class)
                .hasMessageContaining("cannot start " + script)
                .hasMessageContaining("ENOEXEC")
                .hasMessageContaining("a script needs a #! line");
        assertThat(fixture.dir.resolve("started")).doesNotExist();
    }

    @Test
    void garbageFailsWithEnoexecBehindTheDeathSignalWrapper() throws IOException {
        assumeThat(Files.isExecutable(ExecWrappers.SETPRIV)).as("util-linux setpriv").isTrue();
        Path garbage = program("garbage", new byte[] {0x00, 0x01, 0x02, 'g', 'a', 'r', 'b', 'a', 'g', 'e', '\n'});
        PosixSpawnLauncher launcher = new PosixSpawnLauncher(fixture.watcher, null,
                new ExecWrappers(ExecWrappers.SETPRIV, true, null, 1000, 1000, OWN));

        assertThatThrownBy(() -> launcher.launch(spec(fixture.dir, Map.of(), garbage.toString()),
                fixture.socket("s.sock"), Map.of(), "test#0"))
                .isInstanceOf(SpawnException.class).hasMessageContaining("ENOEXEC");
    }

    @Test
    void scriptsWithShebangAndElfBinariesKeepTheirWrappers() throws IOException {
        Path script = program("ok.sh", "#!/bin/sh\nexit 0\n".getBytes());
        ExecWrappers wrappers = new ExecWrappers(ExecWrappers.SETPRIV, true, null, 1000, 1000, OWN);

        assertThat(wrappers.exec(spec(fixture.dir, Map.of(), script.toString())).argv())
                .containsExactly("/usr/bin/setpriv", "--pdeathsig", "KILL", "--", script.toString());
        assertThat(wrappers.exec(spec(fixture.dir, Map.of(), "/bin/cat")).binary()).isEqualTo(ExecWrappers.SETPRIV);
    }

    @Test
    void anUnknownFormatRunsBareWhenOnlyTheDeathSignalWouldWrapItButKeepsAConfinementItNeeds() throws IOException {
        Path unknown = program("unknown", "echo no shebang\n".getBytes());
        ExecWrappers wrappers = new ExecWrappers(ExecWrappers.SETPRIV, true, ExecWrappers.PRLIMIT, 1000, 1000, OWN);
        LaunchSpec plain = spec(fixture.dir, Map.of(), unknown.toString());

        assertThat(wrappers.exec(plain).argv()).containsExactly(unknown.toString());
        // Limits must never be dropped to get a better error: the wrapper stays (and setpriv's execvp may then run
        // the file through /bin/sh, confined).
        LaunchSpec limited = confined(plain, new Confinement(null, null, false,
                List.of(new ResourceLimit(Resource.CORE, 0, 0))));
        assertThat(wrappers.exec(limited).binary()).isEqualTo(ExecWrappers.PRLIMIT);
    }
}
