package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sluice.it.client.JdkWsClient;
import io.sluice.it.client.RawWsClient;
import io.sluice.it.harness.AdminEndpoint;
import io.sluice.it.harness.SluiceProcess;
import io.sluice.it.harness.SocketDir;
import io.sluice.it.harness.Workers;
import io.sluice.testsupport.tls.TestCertificates;
import io.sluice.testsupport.tls.TestCertificates.Issued;
import io.sluice.testsupport.tls.TestCertificates.KeyKind;
import io.sluice.testsupport.tls.TestCertificates.Use;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Configuration reload of the runnable jar (issue 12 item 2), on SIGHUP and through {@code sluice reload}: an
 * unchanged route keeps its worker and its streaming sessions byte for byte through a reload; a changed route's
 * sessions drain (kept until they end, or 1001 after graceful-shutdown-timeout) and its old worker stops; a new route
 * serves, a removed one answers 404; a file with problems is kept out with every problem logged, located; listener
 * settings are refused while the rest applies; the admin action wants the token; certificates are read again.
 */
class ReloadIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TOKEN = "it-token-0123456789abcdef";

    private SocketDir dir;
    private final Workers kept = new Workers();
    private final Workers changed = new Workers();
    private final Workers added = new Workers();
    private final List<JdkWsClient> clients = new ArrayList<>();
    private SluiceProcess sluice;
    private Path config;

    @BeforeEach
    void makeDir() throws Exception {
        dir = new SocketDir();
        Files.writeString(dir.resolve("admin.token"), TOKEN + "\n");
        config = dir.resolve("sluice.yaml");
    }

    @AfterEach
    void cleanUp() throws Exception {
        try {
            clients.forEach(JdkWsClient::close);
            if (sluice != null) {
                sluice.terminate();
                assertThat(sluice.awaitExit(WAIT)).isZero();
                sluice.close();
            }
            await().atMost(WAIT).until(() -> kept.alive().isEmpty() && changed.alive().isEmpty()
                    && added.alive().isEmpty());
        } finally {
            kept.killAll();
            changed.killAll();
            added.killAll();
            dir.close();
        }
    }

    /**
     * A configuration; {@code server} continues the server mapping (", port: 0" unless it names the port), {@code
     * routes} are YAML lines indented by 4.
     */
    private void write(String server, String routes) throws Exception {
        Files.writeString(config, """
                server: { bind: 127.0.0.1, runtime-dir: %s%s }
                admin: { bind: 127.0.0.1, port: 0, token: admin.token }
                wstunnel:
                  frame-type: binary
                  ping-interval: 0
                  server:
                %s""".formatted(dir.resolve("run"), server.contains("port:") ? server : server + ", port: 0", routes));
    }

    private String route(String key, Workers workers, String extra) {
        return """
                    "%s":
                      - bin-path: %s
                        min-procs: 1
                        max-procs: 1
                        stop-timeout: 2s%s
                """.formatted(key, workers.binPath("echo"), extra);
    }

    private int start() throws Exception {
        sluice = SluiceProcess.start(List.of(), "run", "-c", config.toString());
        return sluice.awaitListening();
    }

    private JdkWsClient connect(int port, String path) throws Exception {
        JdkWsClient client = JdkWsClient.connect(URI.create("ws://127.0.0.1:" + port + path));
        clients.add(client);
        return client;
    }

    private void hangUp() throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(sluice.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    private void awaitLogLine(String part, int count) {
        try {
            await().atMost(WAIT).until(() -> logLines().stream().filter(l -> l.contains(part)).count() >= count);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("no log line with " + part + " in " + String.join("\n", logLines()), e);
        }
    }

    private List<String> logLines() {
        List<String> all = new ArrayList<>(sluice.stdout());
        all.addAll(sluice.stderr());
        return all;
    }

    private static void roundTrip(JdkWsClient client, int size) throws Exception {
        long before = client.received().bytes();
        client.sendBinary(new byte[size]);
        await().atMost(WAIT).until(() -> client.received().bytes() == before + size);
    }

    private int cli(String... args) throws Exception {
        try (SluiceProcess command = SluiceProcess.start(List.of(), args)) {
            int exit = command.awaitExit(WAIT);
            cliOutput = new ArrayList<>(command.stdout());
            cliOutput.addAll(command.stderr());
            return exit;
        }
    }

    private List<String> cliOutput = List.of();

    /** Streams random chunks until told to stop, keeping a CRC of everything sent. */
    private static final class Stream {
        final JdkWsClient client;
        final CRC32 sent = new CRC32();
        long sentBytes;
        final AtomicBoolean stop = new AtomicBoolean();
        final CompletableFuture<Void> done;

        Stream(JdkWsClient client) {
            this.client = client;
            this.done = CompletableFuture.runAsync(this::run);
        }

        private void run() {
            byte[] chunk = new byte[4096];
            try {
                while (!stop.get()) {
                    ThreadLocalRandom.current().nextBytes(chunk);
                    client.sendBinary(chunk);
                    sent.update(chunk);
                    sentBytes += chunk.length;
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Three clients stream through an unchanged route while a SIGHUP reload adds a route and changes another: not one
     * byte is lost (CRC of sent equals CRC of echoed), no session closes, the worker keeps its pid. The changed
     * route's session stays on its old worker until it ends, new sessions go to a new worker, and the old worker
     * stops once its last session ended.
     */
    @Test
    void reloadUnderLoadKeepsAnUnchangedRouteByteForByteAndDrainsAChangedOne() throws Exception {
        write(", graceful-shutdown-timeout: 60s", route("/keep", kept, "") + route("/change", changed, ""));
        int port = start();
        await().atMost(WAIT).until(() -> kept.pids().size() == 1 && changed.pids().size() == 1);
        long keptPid = kept.pids().get(0);
        long oldChangedPid = changed.pids().get(0);
        List<Stream> streams = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            streams.add(new Stream(connect(port, "/keep")));
        }
        JdkWsClient draining = connect(port, "/change");
        roundTrip(draining, 100);
        await().atMost(WAIT).until(() -> streams.stream().allMatch(s -> s.client.received().bytes() > 100_000));

        write(", graceful-shutdown-timeout: 60s", route("/keep", kept, "") + route("/change", changed,
                "\n        disable-time: 7") + route("/new", added, ""));
        hangUp();
        awaitLogLine("reload applied: added \"/new\"; changed \"/change\"; removed none; kept \"/keep\"", 1);
        long mark = streams.get(0).client.received().bytes();
        await().atMost(WAIT).until(() -> streams.get(0).client.received().bytes() > mark + 100_000);
        streams.forEach(s -> s.stop.set(true));
        for (Stream s : streams) {
            s.done.get(60, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> s.client.received().bytes() == s.sentBytes);
            assertThat(s.client.received().crc()).isEqualTo(s.sent.getValue());
            assertThat(s.client.closeCode()).isNotDone();
        }
        assertThat(kept.pids()).containsExactly(keptPid);

        roundTrip(connect(port, "/new"), 1000);
        await().atMost(WAIT).until(() -> changed.pids().size() == 2);
        roundTrip(connect(port, "/change"), 1000);
        roundTrip(draining, 1000);
        assertThat(draining.closeCode()).isNotDone();
        assertThat(changed.pids()).contains(oldChangedPid);

        draining.close(1000);
        assertThat(draining.closeCode().get(20, TimeUnit.SECONDS)).isEqualTo(1000);
        await().atMost(WAIT).until(() -> !changed.pids().contains(oldChangedPid));
        assertThat(changed.pids()).hasSize(1);
        awaitLogLine("route=/change backend=change-0: replaced by a reload; its last session ended", 1);
    }

    /**
     * With graceful-shutdown-timeout 2s, a session of a changed route gets CLOSE 1001 about 2 s after the reload and
     * its old worker stops; a removed route answers 404; /status lists the new routes. Through {@code sluice reload}
     * with the token; without it the admin listener answers 401 and the CLI exits 1.
     */
    @Test
    void aChangedRoutesSessionsGet1001AfterTheDrainTimeAndARemovedRouteIs404() throws Exception {
        write(", graceful-shutdown-timeout: 2s", route("/change", changed, "") + route("/gone", kept, ""));
        int port = start();
        AdminEndpoint admin = AdminEndpoint.of(sluice, TOKEN);
        await().atMost(WAIT).until(() -> changed.pids().size() == 1 && kept.pids().size() == 1);
        long oldPid = changed.pids().get(0);
        JdkWsClient session = connect(port, "/change");
        roundTrip(session, 100);
        write(", graceful-shutdown-timeout: 2s", route("/change", changed, "\n        disable-time: 7")
                + route("/new", added, ""));

        String url = "http://127.0.0.1:" + admin.port();
        assertThat(cli("reload", "--admin", url)).isEqualTo(1);
        assertThat(cliOutput).anyMatch(l -> l.contains("wants a bearer token"));
        assertThat(logLines()).noneMatch(l -> l.contains("reload applied"));
        assertThat(cli("reload", "--admin", url, "--token-file", dir.resolve("admin.token").toString()))
                .as("%s", cliOutput).isZero();
        assertThat(cliOutput).anyMatch(l -> l.equals(
                "reload applied: added \"/new\"; changed \"/change\"; removed \"/gone\"; kept none"));

        assertThat(session.closeCode().get(20, TimeUnit.SECONDS)).isEqualTo(1001);
        await().atMost(WAIT).until(() -> !changed.pids().contains(oldPid) && kept.alive().isEmpty());
        try (RawWsClient raw = new RawWsClient(new InetSocketAddress("127.0.0.1", port))) {
            assertThat(raw.upgrade("/gone").status()).isEqualTo(404);
        }
        roundTrip(connect(port, "/new"), 1000);
        roundTrip(connect(port, "/change"), 1000);
        String status = admin.get("/status").body();
        assertThat(status).contains("\"route\":\"/new\"").doesNotContain("\"route\":\"/gone\"");
    }

    /**
     * A file with two problems is kept out: both are logged with file:line:col, the CLI prints them and exits 2, and
     * the running routes keep serving. Then a reload that changes server.port (refused: restart needed) and adds a
     * route applies the route and exits 3.
     */
    @Test
    void aBadFileIsKeptOutAndListenerChangesAreRefusedWhileTheRestApplies() throws Exception {
        write("", route("/keep", kept, ""));
        int port = start();
        AdminEndpoint admin = AdminEndpoint.of(sluice, TOKEN);
        await().atMost(WAIT).until(() -> kept.pids().size() == 1);
        String url = "http://127.0.0.1:" + admin.port();
        String token = dir.resolve("admin.token").toString();
        Files.writeString(config, Files.readString(config).replace("min-procs: 1", "min-procs: many")
                .replace("stop-timeout: 2s", "stop-timeout: 2s\n        colour: blue"));

        assertThat(cli("reload", "--admin", url, "--token-file", token)).isEqualTo(2);
        String file = config.toString();
        assertThat(cliOutput).anyMatch(l -> l.startsWith(file + ":9:20: ") && l.contains("min-procs"))
                .anyMatch(l -> l.startsWith(file + ":12:9: ") && l.contains("colour"))
                .anyMatch(l -> l.contains("still running the previous configuration"));
        awaitLogLine("reload refused: " + file + ":9:20: ", 1);
        awaitLogLine("reload refused: " + file + ":12:9: ", 1);
        roundTrip(connect(port, "/keep"), 1000);

        write(", port: 1", route("/keep", kept, "") + route("/new", added, ""));
        assertThat(cli("reload", "--admin", url, "--token-file", token)).as("%s", cliOutput).isEqualTo(3);
        assertThat(cliOutput).anyMatch(l -> l.equals("server.port: not changed from 0 to 1: the listener cannot "
                + "change while it runs; restart needed"));
        awaitLogLine("reload applied: added \"/new\"; changed none; removed none; kept \"/keep\"", 1);
        roundTrip(connect(port, "/new"), 1000);
        roundTrip(connect(port, "/keep"), 1000);
    }

    /**
     * A reload while a worker is starting: a session waits for an on-demand start (min-procs 0) while a SIGHUP
     * reload adds a route; the session is served by the worker it waited for, and everything stops cleanly.
     */
    @Test
    void aReloadWhileAWorkerIsStartingLeavesTheStartAlone() throws Exception {
        String onDemand = route("/lazy", kept, "").replace("min-procs: 1", "min-procs: 0");
        write("", onDemand);
        int port = start();
        assertThat(kept.pids()).isEmpty();
        CompletableFuture<JdkWsClient> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return connect(port, "/lazy");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(WAIT).until(() -> kept.alive().size() == 1);
        write("", onDemand + route("/new", added, ""));
        hangUp();
        awaitLogLine("reload applied: added \"/new\"; changed none; removed none; kept \"/lazy\"", 1);
        JdkWsClient session = waiting.get(30, TimeUnit.SECONDS);
        roundTrip(session, 1000);
        roundTrip(connect(port, "/new"), 1000);
        assertThat(kept.pids()).hasSize(1);
    }

    /**
     * The certificate files are read again on every reload: a session opened before keeps its TLS session and its
     * bytes flow on; a new handshake gets the new certificate (a client trusting only the new root connects, one
     * trusting only the old root is refused).
     */
    @Test
    void aReloadReadsTheCertificateAgainForNewHandshakesOnly() throws Exception {
        Issued oldRoot = TestCertificates.ca("ReloadIT old root", KeyKind.EC);
        Issued newRoot = TestCertificates.ca("ReloadIT new root", KeyKind.RSA);
        Issued oldLeaf = TestCertificates.issue(oldRoot, "localhost", KeyKind.EC, Use.SERVER);
        Issued newLeaf = TestCertificates.issue(newRoot, "localhost", KeyKind.RSA, Use.SERVER);
        TestCertificates.writeChain(dir.resolve("chain.pem"), oldLeaf);
        TestCertificates.writeKey(dir.resolve("key.pem"), oldLeaf);
        write(", tls: { certificate: chain.pem, key: key.pem }", route("/keep", kept, ""));
        int port = start();
        URI uri = URI.create("wss://127.0.0.1:" + port + "/keep");
        JdkWsClient live = JdkWsClient.connect(tlsClient(oldRoot), uri, false);
        clients.add(live);
        roundTrip(live, 1000);

        TestCertificates.writeChain(dir.resolve("chain.pem"), newLeaf);
        TestCertificates.writeKey(dir.resolve("key.pem"), newLeaf);
        hangUp();
        awaitLogLine("reload applied: added none; changed none; removed none; kept \"/keep\"", 1);

        JdkWsClient renewed = JdkWsClient.connect(tlsClient(newRoot), uri, false);
        clients.add(renewed);
        roundTrip(renewed, 1000);
        assertThatThrownBy(() -> JdkWsClient.connect(tlsClient(oldRoot), uri, false).close())
                .hasStackTraceContaining("SSLHandshakeException");
        roundTrip(live, 1000);
        assertThat(live.closeCode()).isNotDone();
    }

    private static HttpClient tlsClient(Issued root) {
        return HttpClient.newBuilder().sslContext(TestCertificates.clientContext(root, null))
                .connectTimeout(Duration.ofSeconds(10)).build();
    }
}
