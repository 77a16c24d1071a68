package io.sluice.tunnel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.spawner.status.StatusSource;
import io.sluice.tunnel.admin.AdminClient;
import io.sluice.tunnel.admin.AdminServer;
import io.sluice.tunnel.admin.Readiness;
import io.sluice.tunnel.config.AdminOptions;
import io.sluice.tunnel.server.TestConfigs;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The stop order of {@code sluice run}: /readyz answers 503 over HTTP by the time the tunnel's stop begins (before
 * any tunnel is told to close), the admin listener still answers while the supervisor stops, and a failing step does
 * not keep the next ones from running.
 */
class StopSequenceTest {

    @Test
    void readyzIsNotReadyBeforeTheTunnelStopsAndTheAdminListenerGoesLast() throws Exception {
        Readiness readiness = new Readiness(TestConfigs.config(TestConfigs.route("/echo/")), StatusSource.NONE);
        readiness.markListening();
        AdminServer admin = new AdminServer(AdminOptions.loopback(0), readiness);
        AdminClient client = new AdminClient(admin.start().getPort());
        List<String> seen = new ArrayList<>();
        try {
            StopSequence stop = StopSequence.forRun(readiness::markDraining,
                    () -> seen.add("tunnel stop begins; /readyz: " + readyz(client)),
                    () -> seen.add("supervisor stop; /readyz: " + readyz(client)),
                    admin::stop);

            assertThat(stop.stop()).isTrue();
        } finally {
            admin.stop();
        }

        assertThat(seen).containsExactly("tunnel stop begins; /readyz: 503 not ready: shutting down",
                "supervisor stop; /readyz: 503 not ready: shutting down");
    }

    @Test
    void everyStepRunsOnceEvenAfterAFailure() {
        List<String> ran = new ArrayList<>();
        StopSequence stop = StopSequence.forRun(() -> ran.add("ready"), () -> {
            ran.add("tunnel");
            throw new IllegalStateException("boom");
        }, () -> ran.add("supervisor"), () -> ran.add("admin"));

        assertThat(stop.stop()).isFalse();
        assertThat(stop.stop()).as("a second stop does nothing").isTrue();
        assertThat(ran).containsExactly("ready", "tunnel", "supervisor", "admin");
    }

    private static String readyz(AdminClient client) {
        try {
            var response = client.get("/readyz");
            return response.statusCode() + " " + response.body().strip();
        } catch (Exception e) {
            return e.toString();
        }
    }
}
