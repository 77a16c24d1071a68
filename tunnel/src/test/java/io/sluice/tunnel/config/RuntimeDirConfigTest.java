package io.sluice.tunnel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code server.runtime-dir}: the default ({@code $XDG_RUNTIME_DIR/sluice} when set, else under the temp folder),
 * and what the config check can see without creating anything (a file or a symlink where the folder should be).
 */
class RuntimeDirConfigTest {
    private static final String ROUTES = """
            wstunnel:
              server:
                "/echo/": [ { host: 127.0.0.1, port: 9000 } ]
            """;

    @TempDir
    Path dir;

    private SluiceConfig load(String yaml, Map<String, String> environment) throws ConfigException {
        return ConfigLoader.parse(yaml + ROUTES, dir.resolve("sluice.yaml"), new SystemFacts(environment, 4096));
    }

    private ConfigException rejected(String yaml) {
        return catchThrowableOfType(ConfigException.class, () -> load(yaml, Map.of()));
    }

    @Test
    void theDefaultIsSluiceUnderXdgRuntimeDirWhenItIsSet() throws Exception {
        SluiceConfig config = load("", Map.of("XDG_RUNTIME_DIR", "/run/user/4242"));

        assertThat(config.server().runtimeDir()).isEqualTo(Path.of("/run/user/4242/sluice"));
    }

    @Test
    void withoutXdgRuntimeDirOrWithARelativeOneTheDefaultIsUnderTheTempFolder() throws Exception {
        Path fallback = Path.of(System.getProperty("java.io.tmpdir"), "sluice-" + System.getProperty("user.name"));

        assertThat(load("", Map.of()).server().runtimeDir()).isEqualTo(fallback);
        assertThat(load("", Map.of("XDG_RUNTIME_DIR", "run/user")).server().runtimeDir()).isEqualTo(fallback);
        assertThat(load("server: { port: 0 }\n", Map.of("XDG_RUNTIME_DIR", "")).server().runtimeDir())
                .isEqualTo(fallback);
    }

    @Test
    void aFileAsRuntimeDirIsAConfigErrorAtTheOption() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");

        ConfigException e = rejected("server:\n  runtime-dir: " + file + "\n");

        assertThat(e).isNotNull();
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.format()).startsWith(dir.resolve("sluice.yaml") + ":2:16: server.runtime-dir: ");
            assertThat(p.format()).contains(file + " is not a directory");
        });
    }

    @Test
    void aFolderUnderAFileIsAConfigError() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");

        ConfigException e = rejected("server:\n  runtime-dir: " + file.resolve("run") + "\n");

        assertThat(e).isNotNull();
        assertThat(e.problems()).singleElement().satisfies(p -> assertThat(p.format())
                .contains("server.runtime-dir: ").contains(file + " is not a directory"));
    }

    @Test
    void aSymlinkAsRuntimeDirIsAConfigErrorEvenToAFolder() throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("link"), Files.createDirectory(dir.resolve("real")));

        ConfigException e = rejected("server:\n  runtime-dir: " + link + "\n");

        assertThat(e).isNotNull();
        assertThat(e.problems()).singleElement().satisfies(p -> assertThat(p.format())
                .contains("server.runtime-dir: ").contains("symbolic link"));
        assertThat(dir.resolve("real")).isEmptyDirectory();
    }

    @Test
    void aMissingFolderIsFineAndNotCreatedByTheCheck() throws Exception {
        SluiceConfig config = load("server:\n  runtime-dir: run/sluice\n", Map.of());

        assertThat(config.server().runtimeDir()).isEqualTo(dir.resolve("run/sluice"));
        assertThat(dir.resolve("run")).doesNotExist();
    }
}
