package io.sluice.tunnel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.spawner.status.SpawnerStatus;
import io.sluice.spawner.status.WorkerStatus;
import io.sluice.tunnel.admin.AdminServer;
import io.sluice.tunnel.admin.InstanceFacts;
import io.sluice.tunnel.admin.Readiness;
import io.sluice.tunnel.admin.StatusEndpoint;
import io.sluice.tunnel.admin.StatusFixtures;
import io.sluice.tunnel.config.AdminOptions;
import io.sluice.tunnel.config.SluiceConfig;
import io.sluice.tunnel.server.TestConfigs;
import io.sluice.tunnel.session.TunnelStats;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * {@code sluice status} against a real admin listener: the tables, {@code --json} as sent, and the exit statuses 0
 * (ready), 3 (not ready) and 1 (unreachable, or no token); {@code sluice run --help} prints help. Isolated: it swaps
 * System.out and System.err.
 */
@Isolated
class StatusCommandTest {
    private static final String TOKEN = "status-test-token-0123456789";

    private final SluiceConfig config = TestConfigs.config(TestConfigs.route("/echo/"));
    private final AtomicReference<SpawnerStatus> spawner = new AtomicReference<>(SpawnerStatus.NONE);
    private final Readiness readiness = new Readiness(config, spawner::get);
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream realOut;
    private PrintStream realErr;
    private AdminServer admin;
    private String url;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        admin = new AdminServer(new AdminOptions("127.0.0.1", 0, dir.resolve("t"), TOKEN), readiness);
        admin.add("/status", new StatusEndpoint(config, new InstanceFacts("9.9", 4242, Instant.now(), null, "nio"),
                readiness, new TunnelStats(), spawner::get));
        url = "http://127.0.0.1:" + admin.start().getPort();
        Files.writeString(dir.resolve("token"), TOKEN + "\n");
        realOut = System.out;
        realErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void stop() {
        System.setOut(realOut);
        System.setErr(realErr);
        admin.stop();
    }

    private int status(String... extra) {
        String[] args = new String[extra.length + 5];
        args[0] = "status";
        args[1] = "--admin";
        args[2] = url;
        args[3] = "--token-file";
        args[4] = dir.resolve("token").toString();
        System.arraycopy(extra, 0, args, 5, extra.length);
        return SluiceMain.execute(args);
    }

    @Test
    void readyPrintsTablesAndExits0() {
        readiness.markListening();
        spawner.set(StatusFixtures.oneBackend("/echo/", StatusFixtures.worker(0, WorkerStatus.State.RUNNING, 777, 2)));

        assertThat(status()).isEqualTo(0);

        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).startsWith("sluice 9.9  pid 4242  up ").contains("READY");
        assertThat(text.lines()).anyMatch(l -> l.matches("ROUTE +OPEN +TOTAL +REFUSED +HOSTS"))
                .anyMatch(l -> l.matches("/echo/ +0 +0 +0 +test"))
                .anyMatch(l -> l.matches("/echo/ +test +pool +0 +running +777 +2 +\\S+ +0 +-"));
    }

    @Test
    void notReadyExits3AndJsonIsPassedThrough() {
        assertThat(status("--json")).isEqualTo(StatusCommand.EXIT_NOT_READY);

        String json = out.toString(StandardCharsets.UTF_8);
        assertThat(json).startsWith("{\"sluice\":{\"version\":\"9.9\"")
                .contains("\"notReadyBecause\":\"the tunnel is not listening yet\"");
    }

    @Test
    void unreachableOrUnauthorizedExits1() {
        assertThat(SluiceMain.execute("status", "--admin", url)).as("no token").isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("wants a bearer token");
        admin.stop();

        assertThat(status()).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot reach the admin listener at " + url);
    }

    @Test
    void aConfigWithoutAdminSectionExits1() throws Exception {
        Path file = dir.resolve("sluice.yaml");
        Files.writeString(file, "wstunnel:\n  server:\n    \"/e/\": [ { port: 9000 } ]\n");

        assertThat(SluiceMain.execute("status", "-c", file.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("has no admin: section");
    }

    @Test
    void runHelpPrintsItsOptions() {
        assertThat(SluiceMain.execute("run", "--help")).isEqualTo(0);

        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: sluice run").contains("--config")
                .contains("--log-format");
    }
}
