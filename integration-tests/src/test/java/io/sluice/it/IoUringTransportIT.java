package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.uring.IoUring;
import io.sluice.it.client.JdkWsClient;
import io.sluice.it.fixture.Pattern;
import io.sluice.it.harness.BackendProcess;
import io.sluice.it.harness.JvmProbe;
import io.sluice.it.harness.SluiceProcess;
import io.sluice.it.harness.SocketDir;
import io.sluice.it.harness.Workers;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code server.transport: io_uring} end to end: the real jar relays through Netty's io_uring transport to a spawned
 * worker on a unix socket and to a static TCP backend, byte-exact both ways, with the close codes of every ending, and
 * leaves no descriptor or thread behind once its sessions are gone; it stops with exit 0 and no leak report. Skipped,
 * saying why, only where io_uring is not available (old kernel, {@code kernel.io_uring_disabled}, seccomp).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IoUringTransportIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int SOURCE_BYTES = 300_000;
    /** Around the frame-length boundaries (125/126, 65535/65536) and past the 64 KiB reads and water marks. */
    private static final int[] SIZES = {1, 125, 126, 4096, 65_535, 65_536, 1 << 20};

    private final Workers workers = new Workers();
    private SocketDir dir;
    private BackendProcess tcpEcho;
    private BackendProcess source;
    private BackendProcess reset;
    private SluiceProcess sluice;
    private JvmProbe probe;
    private int port;

    @BeforeAll
    void start() throws Exception {
        if (!IoUring.isAvailable()) {
            String why = "io_uring is not available here: " + IoUring.unavailabilityCause();
            System.out.println("IoUringTransportIT skipped: " + why);
            Assumptions.abort(why);
        }
        dir = new SocketDir();
        tcpEcho = BackendProcess.tcp("echo");
        source = BackendProcess.unix(dir.resolve("source.sock"), "source", Integer.toString(SOURCE_BYTES));
        // SO_LINGER 0: its close is a reset.
        reset = BackendProcess.tcp("reset-after", "10");
        Path config = dir.resolve("sluice.yaml");
        Files.writeString(config, """
                server: { bind: 127.0.0.1, port: 0, runtime-dir: %s, transport: io_uring }
                wstunnel:
                  frame-type: binary
                  ping-interval: 0
                  server:
                    "/spawned":
                      - bin-path: %s
                        min-procs: 1
                        max-procs: 1
                    "/static": [ { host: 127.0.0.1, port: %d } ]
                    "/source": [ { socket: %s } ]
                    "/reset": [ { host: 127.0.0.1, port: %d } ]
                """.formatted(dir.resolve("run"), workers.binPath("echo"), tcpEcho.tcpPort(),
                dir.resolve("source.sock"), reset.tcpPort()));
        sluice = SluiceProcess.start(List.of(), "run", "-c", config.toString());
        port = sluice.awaitListening();
        probe = JvmProbe.attach(sluice.pid());
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (probe != null) {
                probe.close();
            }
            if (sluice != null) {
                sluice.terminate();
                assertThat(sluice.awaitExit(WAIT)).as("exit status after SIGTERM").isZero();
                sluice.close(); // fails on a LEAK: line
            }
        } finally {
            workers.killAll();
            for (BackendProcess backend : new BackendProcess[] {tcpEcho, source, reset}) {
                if (backend != null) {
                    backend.close();
                }
            }
            if (dir != null) {
                dir.close();
            }
        }
    }

    private URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + port + path);
    }

    @Test
    @Order(1)
    void theListeningLineNamesTheTransport() {
        assertThat(sluice.stdout()).anyMatch(line -> line.contains("listening on ws://127.0.0.1:" + port
                + " (io_uring transport)"));
    }

    @Test
    @Order(2)
    void echoesEveryByteThroughTheSpawnedWorkerAndTheStaticBackend() throws Exception {
        await().atMost(WAIT).until(() -> workers.alive().size() == 1);
        for (String route : List.of("/spawned", "/static")) {
            echoExactly(route, 1);
        }
    }

    @Test
    @Order(3)
    void theBackendsEndingsAreTheirCloseCodes() throws Exception {
        try (JdkWsClient client = JdkWsClient.connect(uri("/source"), true)) {
            assertThat(client.closeCode().get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("backend EOF").isEqualTo(1000);
            byte[] expected = new byte[SOURCE_BYTES];
            for (int i = 0; i < SOURCE_BYTES; i++) {
                expected[i] = Pattern.byteAt(i);
            }
            assertThat(client.received().keptBytes()).isEqualTo(expected);
        }
        try (JdkWsClient client = JdkWsClient.connect(uri("/reset"))) {
            client.sendBinary(new byte[64]);
            assertThat(client.closeCode().get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("backend reset")
                    .isEqualTo(1011);
        }
    }

    /** Many sessions at once and after each other, then nothing of them is left in the Sluice process. */
    @Test
    @Order(4)
    void sessionsLeaveNoDescriptorOrThreadBehind() throws Exception {
        echoExactly("/spawned", 1);
        echoExactly("/static", 1);
        int fdsBefore = probe.fds();
        int threadsBefore = probe.threads();

        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<Void>> runs = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                String route = i % 2 == 0 ? "/spawned" : "/static";
                long seed = i;
                runs.add(CompletableFuture.runAsync(() -> {
                    try {
                        echoExactly(route, seed);
                    } catch (Exception e) {
                        throw new IllegalStateException(route + " session " + seed, e);
                    }
                }, clients));
            }
            CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        } finally {
            clients.shutdownNow();
        }

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(probe.fds()).as("descriptors of the Sluice process").isLessThanOrEqualTo(fdsBefore);
            assertThat(probe.threads()).as("threads of the Sluice process").isLessThanOrEqualTo(threadsBefore);
        });
        assertThat(workers.alive()).as("the one worker still serves").hasSize(1);
    }

    /**
     * One session: messages of every size in {@link #SIZES} (random bytes from {@code seed}) come back byte for byte,
     * and the client's CLOSE 4001 is answered with 4001.
     */
    private void echoExactly(String route, long seed) throws Exception {
        Random random = new Random(seed);
        java.io.ByteArrayOutputStream sent = new java.io.ByteArrayOutputStream();
        try (JdkWsClient client = JdkWsClient.connect(uri(route), true)) {
            for (int size : SIZES) {
                byte[] message = new byte[size];
                random.nextBytes(message);
                client.sendBinary(message);
                sent.write(message);
            }
            await().atMost(WAIT).until(() -> client.received().bytes() >= sent.size());
            assertThat(client.received().keptBytes()).as("%s echo", route).isEqualTo(sent.toByteArray());
            client.close(4001);
            assertThat(client.closeCode().get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("%s close", route)
                    .isEqualTo(4001);
        }
    }
}
