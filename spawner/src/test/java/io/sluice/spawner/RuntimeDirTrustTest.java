package io.sluice.spawner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sluice.spawner.spec.BalanceKind;
import io.sluice.spawner.spec.BackendAddress;
import io.sluice.spawner.spec.BackendGroup;
import io.sluice.spawner.spec.BackendSpec;
import io.sluice.spawner.spec.LaunchSpec;
import io.sluice.spawner.spec.PoolLimits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A runtime-dir someone else could write to is refused before anything in it is read, written or signalled: the
 * ledger there decides which process groups Sluice kills, and the sockets there receive the tunnelled traffic.
 */
class RuntimeDirTrustTest {
    private Path dir;
    private Path runtimeDir;
    private Supervisor supervisor;

    @BeforeEach
    void createDirectory() throws IOException {
        dir = Files.createTempDirectory(Path.of("/tmp"), "sluice");
        runtimeDir = dir.resolve("run");
    }

    @AfterEach
    void removeDirectory() throws IOException {
        if (supervisor != null) {
            supervisor.stop();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** A spawning backend with min-procs 0: start prepares the runtime-dir and spawns nothing. */
    private void start() {
        Path sleep = Path.of("/bin/sleep");
        LaunchSpec launch = new LaunchSpec(sleep, List.of(sleep.toString(), "30"), Map.of(), dir, 15,
                Duration.ofSeconds(1), 16, 0600);
        BackendSpec spec = new BackendSpec("sleep", new BackendAddress.UnixPath(runtimeDir.resolve("s.sock")),
                Duration.ofSeconds(1), Duration.ofSeconds(8), new PoolLimits(0, 1, 1, Duration.ofSeconds(60)), launch);
        supervisor = new Supervisor(List.of(new BackendGroup("/s/", BalanceKind.LEAST_CONNECTION, List.of(spec))),
                InstantSource.system(), runtimeDir);
        supervisor.start();
    }

    private void assertRefused(String problem) {
        assertThatThrownBy(this::start).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("runtime-dir " + runtimeDir)
                .hasMessageContaining(problem);
        assertThat(Files.exists(runtimeDir.resolve(Supervisor.LEDGER_FILE), LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void aMissingFolderIsCreatedWithItsParentsAndMode0700() throws IOException {
        runtimeDir = dir.resolve("a/b/run");
        start();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(runtimeDir))).isEqualTo("rwx------");
        assertThat(runtimeDir.resolve(Supervisor.LEDGER_FILE)).isRegularFile();
    }

    @Test
    void aFolderOnlyItsOwnerMayWriteIsUsed() throws IOException {
        Files.createDirectory(runtimeDir, PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        start();
        assertThat(runtimeDir.resolve(Supervisor.LEDGER_FILE)).isRegularFile();
    }

    @Test
    void aWorldWritableFolderIsRefused() throws IOException {
        Files.createDirectory(runtimeDir);
        Files.setPosixFilePermissions(runtimeDir, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertRefused("writable by others");
    }

    @Test
    void aGroupWritableFolderIsRefused() throws IOException {
        Files.createDirectory(runtimeDir);
        Files.setPosixFilePermissions(runtimeDir, PosixFilePermissions.fromString("rwxrwx---"));
        assertRefused("writable by its group");
    }

    @Test
    void aSymlinkEvenToAPrivateFolderIsRefused() throws IOException {
        Path real = Files.createDirectory(dir.resolve("real"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Files.createSymbolicLink(runtimeDir, real);
        assertRefused("symbolic link");
        assertThat(real.resolve(Supervisor.LEDGER_FILE)).doesNotExist();
    }

    @Test
    void aFileIsRefused() throws IOException {
        Files.writeString(runtimeDir, "not a folder\n");
        assertRefused("not a directory");
    }

    @Test
    void aFolderOwnedByAnotherUserIsRefused() throws IOException {
        assumeTrue(isRoot(), "only root can give a folder to another user");
        Files.createDirectory(runtimeDir, PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Files.setAttribute(runtimeDir, "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);
        assertRefused("owned by uid 65534");
    }

    private static boolean isRoot() throws IOException {
        return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    }
}
