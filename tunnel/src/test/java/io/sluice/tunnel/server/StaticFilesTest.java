package io.sluice.tunnel.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which paths of a real folder {@link StaticFiles} serves. */
class StaticFilesTest {
    private Path dir;
    private StaticFiles files;

    @BeforeEach
    void createRoot() throws IOException {
        dir = Files.createTempDirectory(Path.of("/tmp"), "sluice-static");
        Path root = Files.createDirectories(dir.resolve("www"));
        Files.writeString(root.resolve("index.html"), "hi");
        Files.writeString(root.resolve(".env"), "SECRET=1");
        Files.createDirectories(root.resolve(".git"));
        Files.writeString(root.resolve(".git/config"), "[core]");
        Files.createDirectories(root.resolve("app/.cache"));
        Files.writeString(root.resolve("app/.cache/page.html"), "cached");
        Files.writeString(root.resolve("app/ok.js"), "ok");
        Files.createSymbolicLink(root.resolve("config.txt"), root.resolve(".git/config"));
        files = new StaticFiles(root.toRealPath());
    }

    @AfterEach
    void removeRoot() throws IOException {
        try (var walk = Files.walk(dir)) {
            walk.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void servesOrdinaryFilesAndIndexHtml() {
        assertThat(files.resolve("/")).isNotNull().hasFileName("index.html");
        assertThat(files.resolve("/app/ok.js")).isNotNull();
    }

    @Test
    void neverServesANameStartingWithADotNorALinkToOne() {
        for (String path : new String[] {"/.env", "/.git/config", "/app/.cache/page.html", "/config.txt",
                "/app/../.env"}) {
            assertThat(files.resolve(path)).as(path).isNull();
        }
    }
}
