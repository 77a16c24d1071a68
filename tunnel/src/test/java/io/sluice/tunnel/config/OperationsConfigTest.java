package io.sluice.tunnel.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code admin:} and {@code access-log:} sections when valid: off by default, paths relative to the file. */
class OperationsConfigTest {
    private static final String ROUTES = """
            wstunnel:
              server:
                "/echo/":
                  - port: 9000
            """;

    @TempDir
    Path dir;

    @Test
    void bothAreOffUnlessConfigured() throws Exception {
        SluiceConfig config = ConfigLoader.parse(ROUTES, dir.resolve("sluice.yaml"));

        assertThat(config.admin()).isNull();
        assertThat(config.accessLog()).isNull();
    }

    @Test
    void adminReadsItsTokenFileOnceAndNeverPrintsIt() throws Exception {
        Files.writeString(dir.resolve("admin.token"), "  0123456789abcdef0123456789abcdef\n");
        SluiceConfig config = ConfigLoader.parse("""
                admin: { bind: 0.0.0.0, port: 0, token: admin.token }
                """ + ROUTES, dir.resolve("sluice.yaml"));

        assertThat(config.admin().bind()).isEqualTo("0.0.0.0");
        assertThat(config.admin().port()).isZero();
        assertThat(config.admin().tokenFile()).isEqualTo(dir.resolve("admin.token"));
        assertThat(config.admin().token()).isEqualTo("0123456789abcdef0123456789abcdef");
        assertThat(config.admin().toString()).doesNotContain("0123456789abcdef");
    }

    @Test
    void adminDefaultsToLoopbackWithoutToken() throws Exception {
        SluiceConfig config = ConfigLoader.parse("admin: {}\n" + ROUTES, dir.resolve("sluice.yaml"));

        assertThat(config.admin()).isEqualTo(AdminOptions.loopback(AdminOptions.DEFAULT_PORT));
        assertThat(config.admin().hasToken()).isFalse();
    }

    @Test
    void adminDrainDelayIsReadAsADuration() throws Exception {
        SluiceConfig config = ConfigLoader.parse("admin: { port: 0, drain-delay: 1500ms }\n" + ROUTES,
                dir.resolve("sluice.yaml"));

        assertThat(config.admin().drainDelay()).isEqualTo(Duration.ofMillis(1500));
        assertThat(AdminOptions.loopback(0).drainDelay()).as("off by default").isZero();
    }

    @Test
    void accessLogGoesToStdoutAsTextByDefault() throws Exception {
        SluiceConfig config = ConfigLoader.parse("access-log: {}\n" + ROUTES, dir.resolve("sluice.yaml"));

        assertThat(config.accessLog().toStdout()).isTrue();
        assertThat(config.accessLog().format()).isEqualTo(AccessLogOptions.Format.TEXT);
    }

    @Test
    void accessLogFileIsRelativeToTheConfigFile() throws Exception {
        SluiceConfig config = ConfigLoader.parse("access-log: { path: access.log, format: json }\n" + ROUTES,
                dir.resolve("sluice.yaml"));

        assertThat(config.accessLog().file()).isEqualTo(dir.resolve("access.log"));
        assertThat(config.accessLog().format()).isEqualTo(AccessLogOptions.Format.JSON);
    }
}
