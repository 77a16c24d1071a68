package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.it.client.JdkWsClient;
import io.sluice.it.harness.BackendProcess;
import io.sluice.it.harness.SluiceProcess;
import io.sluice.it.harness.SocketDir;
import io.sluice.it.harness.Workers;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code server.transport} where the kernel refuses io_uring, as a container's seccomp profile or
 * {@code kernel.io_uring_disabled=2} does: the real jar runs under {@code without_io_uring.py}, a seccomp filter that
 * makes {@code io_uring_setup(2)} fail with EPERM. A named {@code io_uring} refuses to start (exit 1) with Netty's
 * reason, before any worker is spawned; {@code auto} starts on epoll and relays.
 */
class TransportFallbackIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    private final Workers workers = new Workers();
    private final List<AutoCloseable> started = new ArrayList<>();
    private SocketDir dir;
    private List<String> withoutIoUring;

    @BeforeEach
    void setUp() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(PYTHON), "needs " + PYTHON + " for the seccomp filter");
        Assumptions.assumeTrue(System.getProperty("os.arch").equals("amd64"), "the seccomp filter is x86-64 only");
        dir = new SocketDir();
        Path script = Path.of(TransportFallbackIT.class.getResource("/python/without_io_uring.py").toURI());
        withoutIoUring = List.of(PYTHON.toString(), script.toString());
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable closeable : started) {
            closeable.close();
        }
        workers.killAll();
        if (dir != null) {
            dir.close();
        }
    }

    private Path config(String transport, String routes) throws Exception {
        Path file = dir.resolve("sluice.yaml");
        Files.writeString(file, """
                server: { bind: 127.0.0.1, port: 0, runtime-dir: %s, transport: %s }
                wstunnel:
                  frame-type: binary
                  ping-interval: 0
                  server:
                %s""".formatted(dir.resolve("run"), transport, routes));
        return file;
    }

    @Test
    void aNamedIoUringTheKernelRefusesStopsTheStartWithTheReasonBeforeAnyWorkerRuns() throws Exception {
        Path config = config("io_uring", """
                    "/spawned":
                      - bin-path: %s
                        min-procs: 1
                """.formatted(workers.binPath("echo")));
        SluiceProcess sluice = SluiceProcess.startWrapped(withoutIoUring, List.of(), "run", "-c", config.toString());
        started.add(sluice);

        assertThat(sluice.awaitExit(WAIT)).as("exit status").isEqualTo(1);
        List<String> output = new ArrayList<>(sluice.stdout());
        output.addAll(sluice.stderr());
        assertThat(output).anyMatch(line -> line.contains("cannot start: server.transport: io_uring is not "
                + "available here: failed to create io_uring ring fd: Operation not permitted"));
        assertThat(output).noneMatch(line -> line.contains("listening on"));
        // Decided before the supervisor starts: no worker ever ran (Worker logs each state it enters).
        assertThat(output).noneMatch(line -> line.contains("supervisor") || line.contains("STARTING"));
        assertThat(workers.alive()).as("workers").isEmpty();
    }

    @Test
    void autoStartsOnEpollAndRelays() throws Exception {
        BackendProcess echo = BackendProcess.tcp("echo");
        started.add(echo);
        Path config = config("auto", """
                    "/echo": [ { host: 127.0.0.1, port: %d } ]
                """.formatted(echo.tcpPort()));
        SluiceProcess sluice = SluiceProcess.startWrapped(withoutIoUring, List.of(), "run", "-c", config.toString());
        started.add(sluice);
        int port = sluice.awaitListening();
        assertThat(sluice.stdout()).anyMatch(line -> line.contains("listening on ws://127.0.0.1:" + port
                + " (epoll transport)"));

        byte[] message = new byte[70_000];
        new java.util.Random(14).nextBytes(message);
        try (JdkWsClient client = JdkWsClient.connect(URI.create("ws://127.0.0.1:" + port + "/echo"), true)) {
            client.sendBinary(message);
            await().atMost(WAIT).until(() -> client.received().bytes() >= message.length);
            assertThat(client.received().keptBytes()).isEqualTo(message);
            client.close(1000);
            assertThat(client.closeCode().get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1000);
        }
        sluice.terminate();
        assertThat(sluice.awaitExit(WAIT)).isZero();
    }
}
