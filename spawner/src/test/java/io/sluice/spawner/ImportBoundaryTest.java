package io.sluice.spawner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The spawner's package boundaries (STYLE §2.2), checked on the import lines of its sources: no Netty or HTTP
 * anywhere, native calls only in {@code posix}, and the registry contract free of pools and processes.
 */
class ImportBoundaryTest {
    private static final Path SOURCES = Path.of("src/main/java/io/sluice/spawner");

    /** Import lines of the files directly in one package folder ("" = io.sluice.spawner itself). */
    private static List<String> importsOf(String packageDir) {
        Path dir = packageDir.isEmpty() ? SOURCES : SOURCES.resolve(packageDir);
        return walk(dir).filter(f -> f.getParent().equals(dir)).flatMap(ImportBoundaryTest::importLines).toList();
    }

    private static List<String> allImports() {
        return walk(SOURCES).flatMap(ImportBoundaryTest::importLines).toList();
    }

    private static Stream<Path> walk(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).toList().stream();
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
    void nothingInTheSpawnerImportsNetty() {
        assertThat(allImports()).noneMatch(l -> l.contains("io.netty"));
    }

    @Test
    void onlyThePosixPackageMakesNativeCallsAndOnlyProcessUsesIt() {
        for (String pkg : List.of("", "spec", "registry", "balance", "pool", "process")) {
            assertThat(importsOf(pkg)).as(pkg).noneMatch(l -> l.contains(" jnr."));
        }
        for (String pkg : List.of("", "spec", "registry", "balance", "pool")) {
            assertThat(importsOf(pkg)).as(pkg).noneMatch(l -> l.contains("io.sluice.spawner.posix"));
        }
    }

    @Test
    void theRegistryContractKnowsNoPoolsOrProcesses() {
        assertThat(importsOf("registry")).noneMatch(l -> l.contains("io.sluice.spawner.pool")
                || l.contains("io.sluice.spawner.process") || l.contains("io.sluice.spawner.posix"));
        assertThat(importsOf("spec")).noneMatch(l -> l.contains("io.sluice.spawner.pool")
                || l.contains("io.sluice.spawner.process") || l.contains("io.sluice.spawner.posix")
                || l.contains("io.sluice.spawner.registry"));
    }
}
