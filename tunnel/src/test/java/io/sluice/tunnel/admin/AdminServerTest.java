package io.sluice.tunnel.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.spawner.status.SpawnerStatus;
import io.sluice.spawner.status.WorkerStatus;
import io.sluice.tunnel.config.AdminOptions;
import io.sluice.tunnel.config.SluiceConfig;
import io.sluice.tunnel.server.TestConfigs;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The admin listener with the JDK HTTP client: /healthz always, the bearer token for everything else (401 with
 * {@code WWW-Authenticate}), /readyz from not listening to ready to shutting down, and the HTTP edges (404, 405).
 */
class AdminServerTest {
    private static final String TOKEN = "s3cret-token-0123456789";
    private static final String ROUTE = "/echo/";

    private final SluiceConfig config = TestConfigs.config(TestConfigs.route(ROUTE));
    private final AtomicReference<SpawnerStatus> status = new AtomicReference<>(SpawnerStatus.NONE);
    private final Readiness readiness = new Readiness(config, status::get);
    private AdminServer admin;

    @AfterEach
    void stop() {
        if (admin != null) {
            admin.stop();
        }
    }

    private AdminClient start(AdminOptions options) throws Exception {
        admin = new AdminServer(options, readiness);
        return new AdminClient(admin.start().getPort());
    }

    private AdminClient startWithToken() throws Exception {
        return start(new AdminOptions("127.0.0.1", 0, Path.of("admin.token"), TOKEN));
    }

    @Test
    void healthzNeedsNoTokenAndAnythingElseDoes() throws Exception {
        AdminClient client = startWithToken();

        HttpResponse<String> health = client.get("/healthz");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("ok\n");

        HttpResponse<String> none = client.get("/readyz");
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"sluice\"");
        assertThat(client.get("/readyz", TOKEN + "x").statusCode()).isEqualTo(401);
        assertThat(client.get("/readyz", TOKEN.substring(1)).statusCode()).isEqualTo(401);
        assertThat(client.send(client.request("/readyz").header("Authorization", "Basic " + TOKEN).build())
                .statusCode()).isEqualTo(401);
        assertThat(client.get("/nope").statusCode()).as("unknown paths need the token too").isEqualTo(401);

        assertThat(client.get("/readyz", TOKEN).statusCode()).isEqualTo(503);
        assertThat(client.send(client.request("/readyz").header("Authorization", "bearer " + TOKEN).build())
                .statusCode()).as("the scheme is case-insensitive").isEqualTo(503);
    }

    @Test
    void readyzFollowsListeningWorkersAndShutdown() throws Exception {
        AdminClient client = start(AdminOptions.loopback(0));

        assertThat(client.get("/readyz").body()).isEqualTo("not ready: the tunnel is not listening yet\n");
        readiness.markListening();
        HttpResponse<String> noWorker = client.get("/readyz");
        assertThat(noWorker.statusCode()).isEqualTo(503);
        assertThat(noWorker.body()).isEqualTo("not ready: no running worker for route /echo/\n");

        status.set(StatusFixtures.oneBackend(ROUTE, StatusFixtures.worker(0, WorkerStatus.State.STARTING, 0, 0)));
        assertThat(client.get("/readyz").statusCode()).isEqualTo(503);
        status.set(StatusFixtures.oneBackend(ROUTE, StatusFixtures.worker(0, WorkerStatus.State.RUNNING, 42, 0)));
        HttpResponse<String> ready = client.get("/readyz");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("ready\n");

        readiness.markDraining();
        HttpResponse<String> draining = client.get("/readyz");
        assertThat(draining.statusCode()).isEqualTo(503);
        assertThat(draining.body()).isEqualTo("not ready: shutting down\n");
        assertThat(client.get("/healthz").statusCode()).isEqualTo(200);
    }

    @Test
    void onlyGetAndHeadOnKnownPaths() throws Exception {
        AdminClient client = start(AdminOptions.loopback(0));

        assertThat(client.get("/nope").statusCode()).isEqualTo(404);
        HttpResponse<String> post = client.send(client.request("/healthz")
                .POST(HttpRequest.BodyPublishers.ofString("x")).build());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
        HttpResponse<String> head = client.send(client.request("/healthz")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    /**
     * A POST action (such as /reload) runs only for POST with the token and answers when its work completes, off the
     * admin event loop's hands; GET on it is 405 with {@code Allow: POST}; a failed action is a 500, and the listener
     * goes on.
     */
    @Test
    void actionsRunOnPostWithTheTokenAndAnswerWhenDone() throws Exception {
        AtomicInteger performed = new AtomicInteger();
        CompletableFuture<AdminResponse> work = new CompletableFuture<>();
        admin = new AdminServer(new AdminOptions("127.0.0.1", 0, Path.of("admin.token"), TOKEN), readiness)
                .addAction("/reload", () -> {
                    performed.incrementAndGet();
                    return work;
                })
                .addAction("/broken", () -> CompletableFuture.failedFuture(new IllegalStateException("boom")));
        AdminClient client = new AdminClient(admin.start().getPort());
        HttpRequest.BodyPublisher empty = HttpRequest.BodyPublishers.noBody();

        assertThat(client.send(client.request("/reload").POST(empty).build()).statusCode()).isEqualTo(401);
        HttpResponse<String> get = client.get("/reload", TOKEN);
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
        assertThat(performed).as("neither ran the action").hasValue(0);

        CompletableFuture<HttpResponse<String>> answer = client.sendAsync(client.request("/reload")
                .header("Authorization", "Bearer " + TOKEN).POST(empty).build());
        await().atMost(Duration.ofSeconds(10)).until(() -> performed.get() == 1);
        assertThat(client.get("/healthz").statusCode()).as("the listener answers while the action runs")
                .isEqualTo(200);
        assertThat(answer).isNotDone();
        work.complete(AdminResponse.text(200, "reload applied"));
        HttpResponse<String> done = answer.get(10, TimeUnit.SECONDS);
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(done.body()).isEqualTo("reload applied\n");

        assertThat(client.send(client.request("/broken").header("Authorization", "Bearer " + TOKEN).POST(empty)
                .build()).statusCode()).isEqualTo(500);
        assertThat(client.get("/healthz").statusCode()).isEqualTo(200);
    }
}
