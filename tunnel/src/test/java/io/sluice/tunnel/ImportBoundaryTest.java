package io.sluice.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The tunnel never sees a process (STYLE §2.2): only {@code cli} wires the Supervisor, only {@code config} and
 * {@code cli} build spawner specs, and {@code server} and {@code session} know the spawner only through the registry
 * contract and {@code BackendAddress}. Checked on import lines, so a violation names its file.
 */
class ImportBoundaryTest {
    private static final Path SOURCES = Path.of("src/main/java/io/sluice/tunnel");

    private static List<String> importsOf(String packageDir) {
        Path dir = SOURCES.resolve(packageDir);
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).toList().stream()
                    .flatMap(ImportBoundaryTest::importLines).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Stream<String> importLines(Path file) {
        try {
            return Files.readAllLines(file).stream().filter(l -> l.startsWith("import "))
                    .map(l -> file.getFileName() + ": " + l);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void onlyTheCliWiresTheSupervisor() {
        for (String pkg : List.of("config", "server", "session", "frame")) {
            assertThat(importsOf(pkg)).as(pkg).noneMatch(l -> l.contains("io.sluice.spawner.Supervisor"));
        }
    }

    @Test
    void serverAndSessionSeeOnlyTheRegistryContractAndBackendAddress() {
        for (String pkg : List.of("server", "session", "frame")) {
            assertThat(importsOf(pkg)).as(pkg)
                    .filteredOn(l -> l.contains("io.sluice.spawner."))
                    .allMatch(l -> l.contains("io.sluice.spawner.registry.")
                            || l.contains("io.sluice.spawner.spec.BackendAddress;"));
        }
    }

    @Test
    void nothingInTheTunnelTouchesPoolsProcessesOrNativeCalls() {
        for (String pkg : List.of("cli", "config", "server", "session", "frame")) {
            assertThat(importsOf(pkg)).as(pkg).noneMatch(l -> l.contains("io.sluice.spawner.pool")
                    || l.contains("io.sluice.spawner.process") || l.contains("io.sluice.spawner.posix"));
        }
    }

    @Test
    void theFrameCodecKnowsNoSessionsOrServer() {
        assertThat(importsOf("frame")).noneMatch(l -> l.contains("io.sluice.tunnel.session")
                || l.contains("io.sluice.tunnel.server") || l.contains("io.sluice.spawner"));
    }

    @Test
    void theStdioChannelsKnowFdsNotProcesses() {
        assertThat(importsOf("stdio")).noneMatch(l -> l.contains("io.sluice.spawner")
                || l.contains("io.sluice.tunnel.session") || l.contains("io.sluice.tunnel.server"));
    }

    @Test
    void theCgiEnvironmentIsBuiltFromRequestFactsAlone() {
        assertThat(importsOf("cgi")).noneMatch(l -> l.contains("io.sluice.spawner")
                || l.contains("io.sluice.tunnel.session") || l.contains("io.sluice.tunnel.server"));
    }
}
