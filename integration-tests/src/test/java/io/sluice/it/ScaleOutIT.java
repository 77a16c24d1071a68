package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.sluice.it.client.RawWsClient;
import io.sluice.it.harness.AdminEndpoint;
import io.sluice.it.harness.HaproxyProcess;
import io.sluice.it.harness.SluiceProcess;
import io.sluice.it.harness.SocketDir;
import io.sluice.it.harness.Workers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three Sluice hosts (the real jar, each with its own runtime-dir, per-key workers and admin listener) behind the
 * real HAProxy with {@code balance url_param user} and {@code hash-type consistent}, {@code send-proxy-v2} towards
 * Sluice ({@code server.proxy-protocol}) and health checks on each admin listener's /readyz, as docs/scale-out.md
 * recommends: keys stick to one host and one worker and spread over the three; the client address a per-key worker
 * (PROXY v2) and a per-connection program (REMOTE_ADDR, REMOTE_PORT) learn is the test client's own; a host
 * stopped with SIGTERM is taken out through /readyz while its tunnels close with 1001; a host killed with SIGKILL
 * costs only its own keys, and takes them back once restarted. Skipped, with the reason, only where haproxy is not
 * installed.
 */
class ScaleOutIT {
    private static final List<String> NAMES = List.of("a", "b", "c");
    private static final List<String> KEYS = IntStream.range(0, 24).mapToObj(i -> "user%02d".formatted(i)).toList();
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** HAProxy needs three failed checks, 200 ms apart (about 1 s); a busy machine slows them (up to 2 s each). */
    private static final Duration DRAIN_DELAY = Duration.ofSeconds(6);
    /** A per-connection program (the CGI variables of its session), greeting like the per-key workers, then cat. */
    private static final String WHO = "echo \"instance=$SLUICE_IT_INSTANCE pid=$$ key=-"
            + " client=$REMOTE_ADDR:$REMOTE_PORT to=$SERVER_NAME:$SERVER_PORT\"; cat";
    /** Three servers start at once on a shared machine: C1 only and the serial collector keep their start cheap. */
    private static final List<String> JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private SocketDir dir;
    private Path worker;
    private final Workers workers = new Workers();
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final List<RawWsClient> clients = new ArrayList<>();
    private HaproxyProcess haproxy;
    private int frontPort;

    /** One Sluice host: its process (replaced by a restart) and its ports (kept by a restart). */
    private static final class Node {
        final String name;
        SluiceProcess process;
        int port;
        int adminPort;

        Node(String name) {
            this.name = name;
        }
    }

    /** One session through HAProxy and what its worker said: instance, pid, key, client and destination. */
    private record Session(String key, RawWsClient client, Map<String, String> facts) {
        String instance() {
            return facts.get("instance");
        }

        long pid() {
            return Long.parseLong(facts.get("pid"));
        }
    }

    @BeforeEach
    void startCluster() throws Exception {
        assumeThat(HaproxyProcess.binary()).as("haproxy is not installed (Debian package haproxy, which .ci/run "
                + "installs); this test needs the real one").isNotNull();
        dir = new SocketDir();
        worker = Path.of(ScaleOutIT.class.getResource("/python/keyed_worker.py").toURI());
        for (String name : NAMES) {
            Node node = new Node(name);
            node.process = start(node);
            nodes.put(name, node);
        }
        for (Node node : nodes.values()) {
            node.port = node.process.awaitListening();
            node.adminPort = AdminEndpoint.of(node.process, null).port();
        }
        frontPort = HaproxyProcess.freePort();
        int statsPort = HaproxyProcess.freePort();
        haproxy = HaproxyProcess.start(dir.path(), haproxyConfig(statsPort), statsPort);
        await().atMost(WAIT).until(() -> allUp(NAMES));
    }

    @AfterEach
    void stopCluster() throws Exception {
        for (RawWsClient client : clients) {
            client.close();
        }
        if (haproxy != null) {
            haproxy.close();
        }
        nodes.values().forEach(node -> node.process.terminate());
        for (Node node : nodes.values()) {
            try {
                node.process.awaitExit(Duration.ofSeconds(30));
            } finally {
                node.process.close();
            }
        }
        workers.killAll();
        if (dir != null) {
            dir.close();
        }
    }

    @Test
    void everySessionOfAKeyMeetsOneHostAndOneWorkerKeysSpreadAndTheClientAddressSurvives() throws Exception {
        Map<String, Session> first = openAll();
        Map<String, Session> second = openAll();

        for (String key : KEYS) {
            assertThat(second.get(key).instance()).as(key).isEqualTo(first.get(key).instance());
            assertThat(second.get(key).pid()).as(key).isEqualTo(first.get(key).pid());
        }
        assertThat(first.values().stream().map(Session::instance).collect(Collectors.toSet()))
                .as("consistent hashing spreads 24 keys over all three hosts").containsExactlyInAnyOrder("a", "b", "c");
        for (Session s : first.values()) {
            assertThat(s.facts()).as("what the worker's PROXY v2 header said about the client of %s", s.key())
                    .containsEntry("client", "127.0.0.1:" + s.client().localPort())
                    .containsEntry("to", "127.0.0.1:" + frontPort);
            assertEchoes(s);
        }
        // A per-connection program reads the client from REMOTE_ADDR and REMOTE_PORT (CGI); SERVER_PORT is the port
        // the client dialled, HAProxy's, as the PROXY header's destination said.
        for (int i = 0; i < 3; i++) {
            Session who = open("/who/", "-");
            assertThat(who.facts()).containsEntry("client", "127.0.0.1:" + who.client().localPort())
                    .containsEntry("to", "127.0.0.1:" + frontPort);
            assertThat(who.instance()).isIn(NAMES);
        }
        Session one = first.get(KEYS.get(0));
        String status = admin(nodes.get(one.instance())).get("/status?full").body();
        assertThat(status).as("/status?full names the client, not HAProxy")
                .containsPattern("\"remoteAddress\":\\s*\"127\\.0\\.0\\.1\",\\s*\"remotePort\":\\s*"
                        + one.client().localPort() + "\\b");
    }

    @Test
    void aHostStoppedWithSigtermIsTakenOutThroughReadyzWhileItsTunnelsCloseWith1001() throws Exception {
        Map<String, Session> before = openAll();
        Node stopping = nodes.get(before.get(KEYS.get(0)).instance());
        List<Session> its = sessionsOf(before, stopping.name);
        List<Session> others = before.values().stream().filter(s -> !its.contains(s)).toList();

        stopping.process.terminate();

        // admin.drain-delay: /readyz answers 503 while the host still serves its tunnels, so HAProxy takes it out
        // and sends the keys' new sessions elsewhere before any of its tunnels gets 1001.
        await().atMost(DRAIN_DELAY).until(() -> status(stopping.name).startsWith("DOWN"));
        assertThat(haproxy.output()).as("HAProxy took it out because /readyz answered 503")
                .anyMatch(line -> line.contains("sluice/" + stopping.name + " is DOWN") && line.contains("503"));
        for (Session s : its) {
            assertThat(open(s.key()).instance()).as(s.key() + " moved").isNotEqualTo(stopping.name);
            assertEchoes(s); // not closed yet: the drain delay runs
        }
        for (Session s : its) {
            // Read and not answered: the drain waits for the goodbye, so the host stays up, not ready, meanwhile.
            assertThat(s.client().readUntilClose().closeCode()).as(s.key()).isEqualTo(1001);
        }
        assertThat(stopping.process.process().isAlive()).as("still draining after the 1001s").isTrue();
        for (Session s : others) {
            assertEchoes(s);
            Session again = open(s.key());
            assertThat(again.instance()).as(s.key()).isEqualTo(s.instance());
            assertThat(again.pid()).as(s.key()).isEqualTo(s.pid());
        }
        assertThat(stopping.process.awaitExit(WAIT)).isZero();
    }

    @Test
    void aHostKilledWithSigkillCostsOnlyItsOwnKeysAndTakesThemBackWhenRestarted() throws Exception {
        Map<String, Session> before = openAll();
        Node killed = nodes.get(before.get(KEYS.get(1)).instance());
        List<Session> its = sessionsOf(before, killed.name);
        List<Session> others = before.values().stream().filter(s -> !its.contains(s)).toList();
        Set<Long> itsPids = its.stream().map(Session::pid).collect(Collectors.toSet());

        killed.process.process().destroyForcibly().waitFor();

        await().atMost(WAIT).until(() -> status(killed.name).startsWith("DOWN"));
        await("its workers die with it (parent-death signal)").atMost(WAIT).until(() -> itsPids.stream()
                .noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
        for (Session s : its) {
            assertThat(catchThrowable(() -> s.client().readFrame())).as(s.key()).isInstanceOf(IOException.class);
        }
        for (Session s : others) {
            assertEchoes(s);
            Session again = open(s.key());
            assertThat(again.instance()).as(s.key()).isEqualTo(s.instance());
            assertThat(again.pid()).as(s.key() + " keeps its worker").isEqualTo(s.pid());
        }
        for (Session s : its) {
            assertThat(open(s.key()).instance()).as(s.key() + " moved").isNotEqualTo(killed.name);
        }

        killed.process.close();
        killed.process = start(killed);
        killed.process.awaitListening();
        await().atMost(WAIT).until(() -> allUp(NAMES));

        for (Session s : its) {
            Session back = open(s.key());
            assertThat(back.instance()).as(s.key() + " is back").isEqualTo(killed.name);
            assertThat(itsPids).as("a new worker for " + s.key()).doesNotContain(back.pid());
        }
        for (Session s : others) {
            assertThat(open(s.key()).pid()).as(s.key()).isEqualTo(s.pid());
        }
    }

    private SluiceProcess start(Node node) throws IOException {
        Path config = dir.resolve(node.name + ".yaml");
        Files.writeString(config, """
                server:
                  bind: 127.0.0.1
                  port: %d
                  runtime-dir: %s
                  graceful-shutdown-timeout: 5s
                  proxy-protocol: { accept: [127.0.0.1] }
                admin: { bind: 127.0.0.1, port: %d, drain-delay: %ds }
                wstunnel:
                  frame-type: binary
                  ping-interval: 0
                  server:
                    "/sandbox/":
                      - bin-path: %s
                        instances: per-key
                        key: query:user
                        max-procs: 64
                        idle-timeout: 60s
                        allow-root: true
                        proxy-protocol: v2
                        bin-environment: { SLUICE_IT_INSTANCE: %s }
                    "/who/":
                      - bin-path: [/bin/sh, -c, '%s', %s]
                        instances: per-connection
                        bin-environment: { SLUICE_IT_INSTANCE: %s }
                """.formatted(node.port, dir.resolve("run-" + node.name), node.adminPort, DRAIN_DELAY.toSeconds(),
                workers.python(worker),
                node.name, WHO, workers.tag(), node.name));
        return SluiceProcess.start(JVM_OPTIONS, "run", "-c", config.toString());
    }

    /**
     * docs/scale-out.md's haproxy.cfg with the test's ports and quicker health checks. Three failed checks take a host
     * out, and a check may take 2 s: with one failure of 200 ms, a busy machine's slow answer took a live host out for
     * a moment and moved its keys.
     */
    private String haproxyConfig(int statsPort) {
        String servers = nodes.values().stream().map(n -> "    server %s 127.0.0.1:%d check port %d send-proxy-v2"
                .formatted(n.name, n.port, n.adminPort)).collect(Collectors.joining("\n"));
        return """
                global
                    maxconn 2000

                defaults
                    mode http
                    timeout connect 2s
                    timeout client 30s
                    timeout server 30s
                    timeout http-request 5s
                    timeout tunnel 1h
                    option redispatch
                    retries 2

                frontend websockets
                    bind 127.0.0.1:%d
                    default_backend sluice

                backend sluice
                    balance url_param user
                    hash-type consistent
                    option httpchk GET /readyz
                    http-check expect status 200
                    timeout check 2s
                    default-server inter 200ms fall 3 rise 1
                %s

                """.formatted(frontPort, servers) + HaproxyProcess.statsSection(statsPort);
    }

    private String status(String name) throws Exception {
        return haproxy.status("sluice", name);
    }

    private boolean allUp(List<String> names) throws Exception {
        for (String name : names) {
            if (!status(name).equals("UP")) {
                return false;
            }
        }
        return true;
    }

    private AdminEndpoint admin(Node node) {
        return AdminEndpoint.of(node.process, null);
    }

    private Map<String, Session> openAll() throws Exception {
        Map<String, Session> sessions = new LinkedHashMap<>();
        for (String key : KEYS) {
            sessions.put(key, open(key));
        }
        return sessions;
    }

    private static List<Session> sessionsOf(Map<String, Session> sessions, String instance) {
        return sessions.values().stream().filter(s -> s.instance().equals(instance)).toList();
    }

    /** A session of {@code key} through HAProxy, and the facts its per-key worker greets it with. */
    private Session open(String key) throws Exception {
        return open("/sandbox/?user=" + key, key);
    }

    /** A session of {@code path} through HAProxy whose program greets with facts about {@code key}. */
    private Session open(String path, String key) throws Exception {
        RawWsClient client = new RawWsClient(new InetSocketAddress("127.0.0.1", frontPort));
        clients.add(client);
        RawWsClient.Response response = client.upgrade(path);
        assertThat(response.status()).as("%s: %s", key, response).isEqualTo(101);
        StringBuilder greeting = new StringBuilder();
        while (greeting.indexOf("\n") < 0) {
            RawWsClient.Frame frame = client.readFrame();
            assertThat(frame.opcode()).as("%s: a data frame", key).isIn(0x0, 0x2);
            greeting.append(new String(frame.payload(), StandardCharsets.US_ASCII));
        }
        Map<String, String> facts = new HashMap<>();
        for (String pair : greeting.substring(0, greeting.indexOf("\n")).split(" ")) {
            facts.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        assertThat(facts).as(key).containsEntry("key", key);
        return new Session(key, client, facts);
    }

    private static void assertEchoes(Session s) throws IOException {
        byte[] sent = ("echo " + s.key()).getBytes(StandardCharsets.US_ASCII);
        s.client().sendFrame(0x2, true, sent, true);
        StringBuilder got = new StringBuilder();
        while (got.length() < sent.length) {
            got.append(new String(s.client().readFrame().payload(), StandardCharsets.US_ASCII));
        }
        assertThat(got.toString()).as(s.key()).isEqualTo("echo " + s.key());
    }
}
