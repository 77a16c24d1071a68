package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.it.harness.SluiceProcess;
import io.sluice.it.harness.SocketDir;
import io.sluice.it.harness.Workers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sluice out of file descriptors is Sluice's problem, not its worker's: run as users run it under a low
 * {@code ulimit -n}, a burst of clients drives it into EMFILE. The sessions it cannot serve get 503, the worker is
 * not blamed (same pid, its sessions go on), it serves again once descriptors are free, and SIGTERM still stops it
 * at once with status 0.
 */
class FdExhaustionIT {
    private static final int FD_LIMIT = 128;
    private static final int EARLIER_SESSIONS = 5;
    private static final int BURST = 100;
    /** Longer than the whole test's stop budget: a stop that waits for it has waited on something it should not. */
    private static final Duration GRACEFUL_STOP = Duration.ofSeconds(30);

    private SocketDir dir;
    private final Workers workers = new Workers();
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void makeDir() throws Exception {
        dir = new SocketDir();
    }

    @AfterEach
    void cleanUp() throws Exception {
        closeAll(sockets);
        workers.killAll();
        dir.close();
    }

    /** What one upgrade attempt got: a status (101 keeps the socket open), or no answer within the wait. */
    private record Attempt(int status, String body, Socket socket) {
        static final int NO_ANSWER = -1;
    }

    @Test
    void refusesWith503WhileOutOfDescriptorsLeavesTheWorkerAloneAndStillStopsWithStatus0() throws Exception {
        Path config = dir.resolve("sluice.yaml");
        Files.writeString(config, """
                server: { bind: 127.0.0.1, port: 0, runtime-dir: %s, graceful-shutdown-timeout: %ds }
                wstunnel:
                  frame-type: binary
                  ping-interval: 0
                  server:
                    "/w":
                      - bin-path: %s
                        min-procs: 1
                        max-procs: 1
                """.formatted(dir.resolve("run"), GRACEFUL_STOP.toSeconds(), workers.binPath("pid")));
        try (SluiceProcess sluice = SluiceProcess.startWithFdLimit(FD_LIMIT, List.of(), "run", "-c",
                config.toString())) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", sluice.awaitListening());
            await().atMost(Duration.ofSeconds(20)).until(() -> workers.alive().size() == 1);
            long workerPid = workers.pids().get(0);

            List<Socket> earlier = new ArrayList<>();
            for (int i = 0; i < EARLIER_SESSIONS; i++) {
                Attempt attempt = upgrade(address, Duration.ofSeconds(20));
                assertThat(attempt.status()).isEqualTo(101);
                assertThat(readText(attempt.socket())).isEqualTo("pid=" + workerPid + "\n");
                earlier.add(attempt.socket());
            }

            List<Attempt> burst = burst(address);
            burst.stream().map(Attempt::socket).filter(s -> s != null).forEach(sockets::add);
            List<Attempt> refused = burst.stream().filter(a -> a.status() == 503).toList();
            assertThat(burst).extracting(Attempt::status).as("every answer is a session or a 503")
                    .allMatch(s -> s == 101 || s == 503 || s == Attempt.NO_ANSWER);
            assertThat(refused).as("the burst ran Sluice out of descriptors").isNotEmpty();
            assertThat(refused).extracting(Attempt::body)
                    .allMatch(b -> b.contains("cannot open a backend connection now (Too many open files)"));

            assertThat(workers.pids()).as("the worker was not blamed, so not restarted").containsExactly(workerPid);
            for (Socket session : earlier) {
                assertThat(echo(session, "still here")).isEqualTo("still here");
            }

            closeAll(sockets);
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
                Attempt again = upgrade(address, Duration.ofSeconds(5));
                sockets.add(again.socket());
                return again.status() == 101 && readText(again.socket()).equals("pid=" + workerPid + "\n");
            });
            closeAll(earlier);
            closeAll(sockets);

            long stopping = System.nanoTime();
            sluice.terminate();
            assertThat(sluice.awaitExit(Duration.ofSeconds(15))).isZero();
            assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThan(GRACEFUL_STOP.dividedBy(3));
            List<String> output = new ArrayList<>(sluice.stdout());
            output.addAll(sluice.stderr());
            assertThat(output).anyMatch(l -> l.contains("WARN") && l.contains("Too many open files")
                    && l.contains("leaving the worker in rotation"));
            assertThat(output).noneMatch(l -> l.contains(" ERROR ") || l.contains("IllegalStateException"));
        }
    }

    /** {@link #BURST} clients at once; sessions stay open, so descriptors stay taken. */
    private static List<Attempt> burst(InetSocketAddress address) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(BURST);
        try {
            List<Future<Attempt>> pending = new ArrayList<>();
            for (int i = 0; i < BURST; i++) {
                pending.add(threads.submit(() -> upgrade(address, Duration.ofSeconds(5))));
            }
            List<Attempt> attempts = new ArrayList<>();
            for (Future<Attempt> f : pending) {
                attempts.add(f.get(60, TimeUnit.SECONDS));
            }
            return attempts;
        } finally {
            threads.shutdownNow();
        }
    }

    private static Attempt upgrade(InetSocketAddress address, Duration wait) throws IOException {
        Socket socket = new Socket();
        socket.connect(address, 10_000);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout((int) wait.toMillis());
        socket.getOutputStream().write(("GET /w HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        try {
            InputStream in = socket.getInputStream();
            String status = line(in);
            int length = 0;
            for (String header = line(in); !header.isEmpty(); header = line(in)) {
                if (header.toLowerCase().startsWith("content-length:")) {
                    length = Integer.parseInt(header.substring(15).trim());
                }
            }
            int code = Integer.parseInt(status.split(" ")[1]);
            if (code != 101) {
                String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
                socket.close();
                return new Attempt(code, body, null);
            }
            socket.setSoTimeout(20_000);
            return new Attempt(code, "", socket);
        } catch (SocketTimeoutException e) {
            socket.close(); // still in Sluice's accept queue: it had no descriptor to accept it with
            return new Attempt(Attempt.NO_ANSWER, "", null);
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed in the response head");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    /** Sends one masked binary frame and returns the text of the frame that comes back. */
    private static String echo(Socket session, String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.US_ASCII);
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) 0x82;
        frame[1] = (byte) (0x80 | payload.length);
        byte[] mask = {1, 2, 3, 4};
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i & 3]);
        }
        session.getOutputStream().write(frame);
        return readText(session);
    }

    /** Reads one short unmasked data frame from the server. */
    private static String readText(Socket session) throws IOException {
        InputStream in = session.getInputStream();
        int opcode = in.read() & 0x0f;
        int length = in.read() & 0x7f;
        byte[] payload = in.readNBytes(length);
        assertThat(opcode).as("a data frame, not a CLOSE").isNotEqualTo(0x8);
        return new String(payload, StandardCharsets.US_ASCII);
    }

    private static void closeAll(List<Socket> list) throws IOException {
        for (Socket socket : list) {
            if (socket != null) {
                socket.close();
            }
        }
        list.clear();
    }
}
