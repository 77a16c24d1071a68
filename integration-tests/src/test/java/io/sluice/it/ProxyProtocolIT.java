package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.it.client.JdkWsClient;
import io.sluice.it.harness.LinePump;
import io.sluice.it.harness.RunningSluice;
import io.sluice.it.harness.SocketDir;
import io.sluice.it.harness.Workers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code proxy-protocol: v2} read by an independent receiver, a small Python program that parses the header by
 * HAProxy's specification and answers with what it found: the client's and Sluice's addresses and ports, the Host as
 * PP2_TYPE_AUTHORITY and the session id as PP2_TYPE_UNIQUE_ID, before any byte of the client; then it echoes.
 */
class ProxyProtocolIT {
    private SocketDir dir;
    private Path receiver;
    private Process staticBackend;
    private final Workers workers = new Workers();
    private final List<JdkWsClient> clients = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        dir = new SocketDir();
        receiver = Path.of(ProxyProtocolIT.class.getResource("/python/proxy_v2_backend.py").toURI());
    }

    @AfterEach
    void cleanUp() throws Exception {
        clients.forEach(JdkWsClient::close);
        if (staticBackend != null) {
            staticBackend.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        workers.killAll();
        dir.close();
    }

    private String firstLine(RunningSluice sluice, String path, String sent) throws Exception {
        JdkWsClient client = JdkWsClient.connect(sluice.uri(path), true);
        clients.add(client);
        client.sendBinary(sent.getBytes(StandardCharsets.US_ASCII));
        await().atMost(Duration.ofSeconds(20)).until(() -> text(client).endsWith(sent));
        String all = text(client);
        assertThat(all.substring(all.indexOf('\n') + 1)).as("the client's bytes came after the header").isEqualTo(sent);
        return all.substring(0, all.indexOf('\n'));
    }

    private static String text(JdkWsClient client) {
        return new String(client.received().keptBytes(), StandardCharsets.UTF_8);
    }

    private static void assertCarriesTheClient(String facts, int sluicePort) {
        assertThat(facts).contains("\"version\": 2", "\"command\": 1", "\"family\": 1", "\"transport\": 1",
                "\"src\": \"127.0.0.1\"", "\"dst\": \"127.0.0.1\"", "\"dport\": " + sluicePort,
                "\"0x02\": \"127.0.0.1:" + sluicePort + "\"");
        assertThat(facts).containsPattern("\"sport\": [1-9]\\d*");
        assertThat(facts).containsPattern("\"0x05\": \"[0-9a-f]{8}-[0-9a-z]+\"");
        assertThat(facts).doesNotContain("error");
    }

    @Test
    void anExistingServerLearnsWhoIsCallingFromTheHeader() throws Exception {
        Path socket = dir.resolve("proxy.sock");
        staticBackend = new ProcessBuilder("/usr/bin/python3", receiver.toString(), socket.toString())
                .redirectErrorStream(true).start();
        List<String> output = new CopyOnWriteArrayList<>();
        LinePump.start(staticBackend.getInputStream(), output, "proxy-v2-backend");
        await().atMost(Duration.ofSeconds(20)).until(() -> output.contains("ready"));
        try (RunningSluice sluice = RunningSluice.start(dir.path(), """
                server: { bind: 127.0.0.1, port: 0, runtime-dir: %s }
                wstunnel:
                  frame-type: binary
                  ping-interval: 0
                  server:
                    "/who":
                      - socket: %s
                        proxy-protocol: v2
                """.formatted(dir.resolve("run"), socket))) {
            String first = firstLine(sluice, "/who", "hello");
            String second = firstLine(sluice, "/who", "again");

            assertCarriesTheClient(first, sluice.address().getPort());
            assertCarriesTheClient(second, sluice.address().getPort());
            String firstId = first.replaceAll(".*\"0x05\": \"([^\"]+)\".*", "$1");
            String secondId = second.replaceAll(".*\"0x05\": \"([^\"]+)\".*", "$1");
            assertThat(firstId).as("one id per session").isNotEqualTo(secondId);
        }
    }

    @Test
    void aPerKeyWorkerGetsTheHeaderToo() throws Exception {
        String binPath = workers.python(receiver).replace("\"" + receiver + "\"", "\"" + receiver + "\", \"--fd0\"");
        try (RunningSluice sluice = RunningSluice.start(dir.path(), """
                server: { bind: 127.0.0.1, port: 0, runtime-dir: %s }
                wstunnel:
                  frame-type: binary
                  ping-interval: 0
                  server:
                    "/sandbox/":
                      - bin-path: %s
                        instances: per-key
                        key: path
                        allow-root: true
                        proxy-protocol: v2
                """.formatted(dir.resolve("run"), binPath))) {
            assertCarriesTheClient(firstLine(sluice, "/sandbox/alice", "hi"), sluice.address().getPort());
        }
    }
}
