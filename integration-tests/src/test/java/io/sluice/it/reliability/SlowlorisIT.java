package io.sluice.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.it.client.RawWsClient;
import io.sluice.it.harness.BackendProcess;
import io.sluice.it.harness.CaseFamily;
import io.sluice.it.harness.Evidence;
import io.sluice.it.harness.MemoryProbe;
import io.sluice.it.harness.MemorySample;
import io.sluice.it.harness.Observed;
import io.sluice.it.harness.ReliabilityCase;
import io.sluice.it.harness.RunningSluice;
import io.sluice.it.harness.SocketDir;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Connections that take a place and never finish a handshake: a slowloris trickling a header byte at a time, and
 * silent ones. {@code handshake-timeout} counts from the accept, so trickling does not extend it; connections
 * beyond {@code max-connections} get a 503 at once; the memory they cost is bounded, and once they are gone an
 * ordinary client is served.
 */
@ExtendWith(Evidence.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowlorisIT {
    private static final int CAP = 40;
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(2);
    /** Per held connection, in the HTTP phase: channel, pipeline, codec and a partial request. */
    private static final long HEAP_PER_CONNECTION = 64 * 1024;

    private SocketDir dir;
    private BackendProcess echo;
    private RunningSluice sluice;

    @BeforeAll
    void start() throws Exception {
        dir = new SocketDir();
        echo = BackendProcess.unix(dir.resolve("echo.sock"), "echo");
        sluice = RunningSluice.start(dir.path(), """
                server: { bind: 127.0.0.1, port: 0, max-connections: %d, handshake-timeout: %ds }
                wstunnel:
                  server:
                    "/echo": [ { socket: echo.sock } ]
                """.formatted(CAP, HANDSHAKE_TIMEOUT.toSeconds()));
    }

    @AfterAll
    void stop() throws Exception {
        if (sluice != null) {
            sluice.close();
        }
        if (echo != null) {
            echo.close();
        }
        dir.close();
    }

    /** Reads until EOF on its own thread; returns how long after {@code connectedAt} it came. */
    private static CompletableFuture<Duration> eof(Socket socket, long connectedAt, ExecutorService readers) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                socket.setSoTimeout(30_000);
                InputStream in = socket.getInputStream();
                while (in.read() >= 0) {
                    // nothing is sent before the close
                }
            } catch (IOException e) {
                // a reset is an end too
            }
            return Duration.ofNanos(System.nanoTime() - connectedAt);
        }, readers);
    }

    /** Sluice's own threads in this JVM (event loops, supervisor, reaper), by their names. */
    private static long sluiceThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("sluice-")).count();
    }

    private record Held(List<Socket> sockets, List<CompletableFuture<Duration>> ends) {
    }

    /** {@code n} connections; with {@code trickle}, each sends a request line, then one header byte every 200 ms. */
    private Held hold(int n, boolean trickle, ScheduledExecutorService ticker, ExecutorService readers)
            throws IOException {
        List<Socket> sockets = new ArrayList<>();
        List<CompletableFuture<Duration>> ends = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Socket socket = new Socket(sluice.address().getAddress(), sluice.address().getPort());
            long connectedAt = System.nanoTime();
            sockets.add(socket);
            ends.add(eof(socket, connectedAt, readers));
            if (trickle) {
                socket.getOutputStream().write("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
                        .getBytes(StandardCharsets.US_ASCII));
                ticker.scheduleAtFixedRate(() -> {
                    try {
                        socket.getOutputStream().write('a');
                    } catch (IOException e) {
                        throw new IllegalStateException("closed", e); // ends this task
                    }
                }, 200, 200, TimeUnit.MILLISECONDS);
            }
        }
        return new Held(sockets, ends);
    }

    private void heldConnectionsAreBounded(boolean trickle, Observed observed) throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> sluice.server().stats().activeSessions() == 0);
        ScheduledExecutorService ticker = Executors.newScheduledThreadPool(2);
        ExecutorService readers = Executors.newFixedThreadPool(CAP);
        MemorySample before = MemoryProbe.sample();
        long threadsBefore = sluiceThreads();
        try {
            Held held = hold(CAP, trickle, ticker, readers);
            MemorySample holding = MemoryProbe.sample().minus(before);
            long sluiceThreadsHolding = sluiceThreads() - threadsBefore;
            List<String> beyond = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                try (Socket extra = new Socket(sluice.address().getAddress(), sluice.address().getPort())) {
                    extra.setSoTimeout(5_000);
                    beyond.add(new String(extra.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1));
                }
            }
            List<Duration> ends = new ArrayList<>();
            for (CompletableFuture<Duration> end : held.ends()) {
                ends.add(end.get(20, TimeUnit.SECONDS));
            }
            for (Socket socket : held.sockets()) {
                socket.close();
            }
            Duration first = ends.stream().min(Duration::compareTo).orElseThrow();
            Duration last = ends.stream().max(Duration::compareTo).orElseThrow();

            assertThat(beyond).allMatch(a -> a.startsWith("HTTP/1.1 503 ") && a.endsWith("too many connections\n"));
            assertThat(first).as("not before handshake-timeout").isGreaterThanOrEqualTo(HANDSHAKE_TIMEOUT
                    .minusMillis(100));
            assertThat(last).as("trickling does not extend it").isLessThan(HANDSHAKE_TIMEOUT.plusSeconds(2));
            assertThat(holding.heapAfterGc()).isLessThan(CAP * HEAP_PER_CONNECTION);
            assertThat(holding.fds()).as("one descriptor per held connection, plus the client's").isLessThanOrEqualTo(
                    2 * CAP + 8);
            assertThat(sluiceThreadsHolding).as("no thread per connection in Sluice").isLessThanOrEqualTo(2);
            try (RawWsClient client = new RawWsClient(sluice.address())) {
                assertThat(client.upgrade("/echo").status()).as("served once they are gone").isEqualTo(101);
            }
            observed.outcome(("all %d connections were closed by Sluice between handshake-timeout and 2 s after it%s;"
                    + " connections beyond max-connections got 503 \"too many connections\" at once; an ordinary"
                    + " client was served afterwards.").formatted(CAP, trickle ? ", though each sent a byte every"
                    + " 200 ms" : ""))
                    .bound("server.handshake-timeout", "a connection that has not finished its handshake is closed"
                            + " after it, whatever it trickles")
                    .bound("server.max-connections", "connections beyond it get 503 and are closed, unread")
                    .bound("fixed", "< 64 KiB heap after GC and 1 descriptor per connection in the HTTP phase, no"
                            + " thread")
                    .measured("closed after", first.toMillis() + "–" + last.toMillis() + " ms")
                    .measured("growth holding " + CAP, "heap " + MemorySample.mib(holding.heapAfterGc()) + ", direct "
                            + MemorySample.mib(holding.direct()) + ", " + holding.fds() + " fds (both ends), "
                            + sluiceThreadsHolding + " Sluice threads");
        } finally {
            ticker.shutdownNow();
            readers.shutdownNow();
        }
    }

    @Test
    @ReliabilityCase(id = "abuse.slowloris", family = CaseFamily.ABUSE,
            title = "slowloris: max-connections connections each trickling a header byte every 200 ms")
    void slowlorisConnectionsAreClosedAtTheHandshakeTimeoutAndBeyondTheCapGet503(Observed observed)
            throws Exception {
        heldConnectionsAreBounded(true, observed);
    }

    @Test
    @ReliabilityCase(id = "abuse.idle-connections", family = CaseFamily.ABUSE,
            title = "idle connections: max-connections connections that never send a byte")
    void silentConnectionsAreClosedAtTheHandshakeTimeoutAndBeyondTheCapGet503(Observed observed) throws Exception {
        heldConnectionsAreBounded(false, observed);
    }
}
