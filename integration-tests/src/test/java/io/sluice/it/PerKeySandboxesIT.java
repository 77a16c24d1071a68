package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.sluice.it.client.JdkWsClient;
import io.sluice.it.client.RawWsClient;
import io.sluice.it.harness.RunningSluice;
import io.sluice.it.harness.SocketDir;
import io.sluice.it.harness.Workers;
import io.sluice.spawner.status.LiveKey;
import io.sluice.spawner.status.PerKeyStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Per-user sandboxes ({@code instances: per-key}) with real workers and independent clients: one worker per key, met
 * again by every session of the key (its pid and its state prove it), stopped when idle or old, limits refused with
 * their statuses, hostile keys refused before anything touches the disk, limits and identity visible in /proc, a
 * crash that ends only its own key's sessions, and a burst that waits for one start. Most workers are a small Python
 * program (it starts in milliseconds and, needing no class path, can run as nobody); the state test uses the Java
 * {@code TestBackend} in its {@code sessions} mode.
 */
class PerKeySandboxesIT {
    private SocketDir dir;
    private final Workers workers = new Workers();
    private final List<JdkWsClient> clients = new ArrayList<>();
    private Path sandbox;

    @BeforeEach
    void setUp() throws Exception {
        dir = new SocketDir();
        sandbox = Path.of(PerKeySandboxesIT.class.getResource("/python/sandbox.py").toURI());
    }

    @AfterEach
    void cleanUp() throws Exception {
        clients.forEach(JdkWsClient::close);
        workers.killAll();
        dir.close();
    }

    /** A config with one per-key route {@code /sandbox/} whose key is the query parameter {@code user}. */
    private String config(String binPath, String hostOptions) {
        return """
                server: { bind: 127.0.0.1, port: 0, runtime-dir: %s }
                wstunnel:
                  frame-type: binary
                  ping-interval: 0
                  server:
                    "/sandbox/":
                      - bin-path: %s
                        instances: per-key
                        key: query:user
                        allow-root: true
                        %s
                """.formatted(dir.resolve("run"), binPath, hostOptions.strip().replace("\n", "\n        "));
    }

    private RunningSluice start(String hostOptions) throws Exception {
        return RunningSluice.start(dir.path(), config(workers.python(sandbox), hostOptions));
    }

    /** A session of {@code key} and the facts its worker greets it with (pid, key, sessions, uid, cwd). */
    private Session open(RunningSluice sluice, String key) throws Exception {
        JdkWsClient client = JdkWsClient.connect(sluice.uri("/sandbox/?user=" + key), true);
        clients.add(client);
        await().atMost(Duration.ofSeconds(20)).until(() -> text(client).contains("\n"));
        String line = text(client);
        Map<String, String> facts = new HashMap<>();
        for (String pair : line.substring(0, line.indexOf('\n')).split(" ")) {
            facts.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        return new Session(client, facts);
    }

    private record Session(JdkWsClient client, Map<String, String> facts) {
        long pid() {
            return Long.parseLong(facts.get("pid"));
        }

        int sessions() {
            return Integer.parseInt(facts.get("sessions"));
        }
    }

    private static String text(JdkWsClient client) {
        return new String(client.received().keptBytes(), StandardCharsets.UTF_8);
    }

    private List<Path> socketsInRuntimeDir() throws Exception {
        return dir.socketFilesIn("run");
    }

    @Test
    void twoKeysGetTwoWorkersAndEverySessionOfAKeyMeetsItsWorkerWithItsState() throws Exception {
        try (RunningSluice sluice = RunningSluice.start(dir.path(), config(workers.binPath("sessions"),
                "idle-timeout: 60s"))) {
            Session alice = open(sluice, "alice");
            Session bob = open(sluice, "bob");
            Session aliceAgain = open(sluice, "alice");

            assertThat(alice.pid()).isNotEqualTo(bob.pid());
            assertThat(alice.facts()).containsEntry("key", "alice");
            assertThat(bob.facts()).containsEntry("key", "bob");
            assertThat(aliceAgain.pid()).as("a second, concurrent session").isEqualTo(alice.pid());
            assertThat(aliceAgain.sessions()).isEqualTo(2);
            alice.client().sendBinary("ping".getBytes(StandardCharsets.US_ASCII));
            await().atMost(Duration.ofSeconds(10)).until(() -> text(alice.client()).endsWith("ping"));

            alice.client().close(1000);
            aliceAgain.client().close(1000);
            await().atMost(Duration.ofSeconds(10)).until(() -> alice.client().closeCode().isDone()
                    && aliceAgain.client().closeCode().isDone());
            Session reconnected = open(sluice, "alice");

            assertThat(reconnected.pid()).as("a reconnect, from a new tab").isEqualTo(alice.pid());
            assertThat(reconnected.sessions()).as("the worker kept its state").isEqualTo(3);
            assertThat(workers.alive()).hasSize(2);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                PerKeyStatus status = sluice.supervisor().perKeyStatus().get(0);
                assertThat(status.keys()).extracting(LiveKey::pid).containsExactlyInAnyOrder(alice.pid(), bob.pid());
                assertThat(status.toString()).doesNotContain("alice").doesNotContain("bob");
            });
        }
        assertThat(workers.alive()).isEmpty();
        assertThat(socketsInRuntimeDir()).isEmpty();
    }

    @Test
    void anIdleWorkerStopsIdleTimeoutAfterItsLastSessionAndTheNextSessionStartsANewOne() throws Exception {
        try (RunningSluice sluice = start("idle-timeout: 1s")) {
            Session first = open(sluice, "alice");
            assertThat(socketsInRuntimeDir()).hasSize(1);
            first.client().close(1000);

            await().atMost(Duration.ofSeconds(15)).until(() -> workers.alive().isEmpty());
            // The socket goes after the reap, on the supervisor thread: moments after the process is gone.
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(socketsInRuntimeDir()).isEmpty());
            Session next = open(sluice, "alice");
            assertThat(next.pid()).isNotEqualTo(first.pid());
            assertThat(next.sessions()).isEqualTo(1);
        }
    }

    @Test
    void maxAgeStopsABusyWorkerAndTheKeysNextSessionGetsAFreshOne() throws Exception {
        try (RunningSluice sluice = start("idle-timeout: 60s\nmax-age: 2s")) {
            Session busy = open(sluice, "alice");

            int code = busy.client().closeCode().get(20, TimeUnit.SECONDS);

            assertThat(code).as("the worker was stopped (TERM), its session ended as the worker ended it")
                    .isIn(1000, 1011);
            await().atMost(Duration.ofSeconds(10)).until(() -> workers.alive().isEmpty());
            Session next = open(sluice, "alice");
            assertThat(next.pid()).isNotEqualTo(busy.pid());
        }
    }

    @Test
    void maxProcsRefusesANewKeyWith503AndMaxSessionsPerKeyOneMoreSessionWith429() throws Exception {
        try (RunningSluice sluice = start("max-procs: 1\nmax-sessions-per-key: 1")) {
            open(sluice, "alice");
            try (RawWsClient bob = new RawWsClient(sluice.address());
                 RawWsClient alice = new RawWsClient(sluice.address())) {
                RawWsClient.Response newKey = bob.upgrade("/sandbox/?user=bob");
                RawWsClient.Response secondSession = alice.upgrade("/sandbox/?user=alice");

                assertThat(newKey.status()).isEqualTo(503);
                assertThat(newKey.body()).contains("per-key limit reached (1 live keys)");
                assertThat(secondSession.status()).isEqualTo(429);
                assertThat(secondSession.body()).contains("this key already has 1 sessions (max-sessions-per-key)");
            }
            assertThat(workers.alive()).hasSize(1);
        }
    }

    /** Keys are untrusted: none of these may reach a worker, a socket name or a folder. */
    @Test
    void hostileKeysAre400AndNothingOfThemReachesTheDisk() throws Exception {
        Path homes = Files.createDirectory(dir.resolve("homes"));
        try (RunningSluice sluice = RunningSluice.start(dir.path(), """
                server: { bind: 127.0.0.1, port: 0, runtime-dir: %s }
                wstunnel:
                  ping-interval: 0
                  server:
                    "/sandbox/":
                      - bin-path: %s
                        instances: per-key
                        key: header:X-User
                        allow-root: true
                        cwd: %s/{key}
                        cwd-create: true
                """.formatted(dir.resolve("run"), workers.python(sandbox), homes))) {
            Map<String, String> hostile = Map.of(
                    "dot-dot", "X-User: ../x",
                    "slash", "X-User: a/b",
                    "non-ascii", "X-User: \u00e9l\u00e8ve",
                    "ten-kib", "X-User: " + "k".repeat(10 * 1024),
                    "five-kib", "X-User: " + "k".repeat(5 * 1024),
                    "empty", "X-User: ",
                    "twice", "X-User: alice\r\nX-User: bob");
            for (Map.Entry<String, String> key : hostile.entrySet()) {
                try (RawWsClient client = new RawWsClient(sluice.address())) {
                    RawWsClient.Response response = client.upgrade("/sandbox/", key.getValue());
                    assertThat(response.status()).as(key.getKey()).isEqualTo(400);
                    assertThat(response.body()).as(key.getKey()).doesNotContain("../x").doesNotContain("kkkk");
                }
            }
            try (RawWsClient nul = new RawWsClient(sluice.address())) {
                assertThat(nul.upgrade("/sandbox/", "X-User: a\u0000b").status()).isEqualTo(400);
            }
            assertThat(workers.alive()).isEmpty();
            assertThat(socketsInRuntimeDir()).isEmpty();
            try (Stream<Path> made = Files.list(homes)) {
                assertThat(made).isEmpty();
            }
            assertThat(Files.exists(dir.resolve("x"))).isFalse();
        }
    }

    /** rlimits and, when the tests run as root, user and group, as the kernel shows them for the worker. */
    @Test
    void aWorkersLimitsUserAndFolderAreVisibleInProc() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        Path homes = Files.createDirectory(dir.resolve("homes"));
        Files.setPosixFilePermissions(dir.path(), PosixFilePermissions.fromString("rwxr-xr-x"));
        String identity = root ? "user: nobody\n" : "";
        try (RunningSluice sluice = start(identity + """
                cwd: %s/{key}
                cwd-create: true
                rlimits: { nofile: [64, 128], nproc: 4096, as: 1GiB, cpu: 10m, fsize: 16MiB, core: 0 }
                """.formatted(homes))) {
            Session session = open(sluice, "alice");

            String limits = Files.readString(Path.of("/proc/" + session.pid() + "/limits"));
            assertThat(limits).containsPattern("Max open files\\s+64\\s+128\\s")
                    .containsPattern("Max processes\\s+4096\\s+4096\\s")
                    .containsPattern("Max address space\\s+1073741824\\s+1073741824\\s")
                    .containsPattern("Max cpu time\\s+600\\s+600\\s")
                    .containsPattern("Max file size\\s+16777216\\s+16777216\\s")
                    .containsPattern("Max core file size\\s+0\\s+0\\s");
            Path folder = homes.resolve("alice");
            assertThat(session.facts()).containsEntry("cwd", folder.toString());
            assertThat(Files.getPosixFilePermissions(folder)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
            if (root) {
                String status = Files.readString(Path.of("/proc/" + session.pid() + "/status"));
                assertThat(status).containsPattern("\nUid:\\s+65534\\s+65534\\s+65534\\s+65534\n")
                        .contains("\nCapEff:\t0000000000000000\n");
                assertThat(session.facts()).containsEntry("uid", "65534");
                assertThat(Files.getAttribute(folder, "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(65534);
                assertThat(session.facts().get("gid")).isEqualTo(status.replaceAll("(?s).*\nGid:\\s+(\\d+).*", "$1"));
            }
        }
    }

    /** What cannot be applied stops the start with one line naming route, host and option; nothing is skipped. */
    @Test
    void aWorkerIdentityThatCannotBeAppliedStopsTheStart() {
        boolean root = "root".equals(System.getProperty("user.name"));
        String yaml = config(workers.python(sandbox), "").replace("allow-root: true", root ? "" : "user: root");

        Throwable failure = catchThrowable(
                () -> RunningSluice.start(dir.path(), yaml).close());

        assertThat(failure).isInstanceOf(IllegalStateException.class).hasMessageStartingWith(root
                ? "route '/sandbox/' backend 'sandbox-0': user: Sluice runs as root and this per-key host sets no user"
                : "route '/sandbox/' backend 'sandbox-0': user: Sluice runs as uid");
        assertThat(workers.alive()).isEmpty();
    }

    @Test
    void aKeysWorkerCrashEndsOnlyThatKeysSessionsWith1011AndItsNextSessionStartsANewWorker() throws Exception {
        try (RunningSluice sluice = start("idle-timeout: 60s")) {
            Session alice = open(sluice, "alice");
            Session aliceToo = open(sluice, "alice");
            Session bob = open(sluice, "bob");
            // A worker that exits within a second of its start failed to start: its key waits a backoff. This one
            // crashes later, after it has served.
            await().atMost(Duration.ofSeconds(10)).until(() -> sluice.supervisor().perKeyStatus().get(0).keys()
                    .stream().filter(k -> k.pid() == alice.pid()).anyMatch(k -> k.startedAt() != null
                            && k.startedAt().isBefore(Instant.now().minusMillis(1100))));

            alice.client().sendBinary("exit 3".getBytes(StandardCharsets.US_ASCII));

            assertThat(alice.client().closeCode().get(20, TimeUnit.SECONDS)).isEqualTo(1011);
            assertThat(aliceToo.client().closeCode().get(20, TimeUnit.SECONDS)).isEqualTo(1011);
            bob.client().sendBinary("still here".getBytes(StandardCharsets.US_ASCII));
            await().atMost(Duration.ofSeconds(10)).until(() -> text(bob.client()).endsWith("still here"));
            assertThat(bob.client().closeCode()).isNotDone();
            Session again = open(sluice, "alice");
            assertThat(again.pid()).isNotEqualTo(alice.pid());
            assertThat(again.sessions()).isEqualTo(1);
        }
    }

    @Test
    void aBurstOfSessionsForANewKeyAllWaitForOneStart() throws Exception {
        try (RunningSluice sluice = start("idle-timeout: 60s")) {
            List<CompletableFuture<Session>> burst = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                burst.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return open(sluice, "carol");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            List<Session> sessions = new ArrayList<>();
            for (CompletableFuture<Session> session : burst) {
                sessions.add(session.get(30, TimeUnit.SECONDS));
            }

            assertThat(sessions).extracting(Session::pid).containsOnly(sessions.get(0).pid());
            assertThat(Set.copyOf(sessions.stream().map(Session::sessions).toList())).hasSize(12);
            assertThat(workers.alive()).hasSize(1);
        }
    }
}
