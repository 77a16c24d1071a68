package io.sluice.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The per-key benchmark's client (bench/tools/per-key.sh): sessions of a per-key route, keyed by the query parameter
 * {@code user}, through the JDK's WebSocket client. Every session sends 64 bytes and waits for their echo.
 *
 * <pre>
 *   cold PORT N       N new keys one after another: connect to first echo, a worker started for each (p50/p90/max)
 *   warm PORT N       one key whose worker runs: N reconnects, connect to first echo
 *   idle PORT K       K new keys, one session each (32 opening at a time), each echoed once; prints "open K",
 *                     holds them until a line on stdin, checks each echoes once more, closes them, prints "closed"
 * </pre>
 * One JSON line per result on stdout. Exit status 1 when a session failed.
 */
public final class PerKeyRun {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final byte[] MESSAGE = new byte[64];

    private PerKeyRun() {
    }

    public static void main(String[] args) throws Exception {
        Arrays.fill(MESSAGE, (byte) 'k');
        String mode = args[0];
        int port = Integer.parseInt(args[1]);
        int count = Integer.parseInt(args[2]);
        String run = Long.toString(System.nanoTime(), 36);
        switch (mode) {
            case "cold" -> timed("cold-start", port, count, i -> "cold-" + run + "-" + i);
            case "warm" -> {
                session(port, "warm-" + run).close();
                timed("running-key", port, count, i -> "warm-" + run);
            }
            case "idle" -> idle(port, count, run);
            default -> throw new IllegalArgumentException("mode: cold, warm or idle");
        }
    }

    private interface Keys {
        String key(int i);
    }

    private static void timed(String label, int port, int count, Keys keys) throws Exception {
        long[] micros = new long[count];
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            Session session = session(port, keys.key(i));
            micros[i] = (System.nanoTime() - start) / 1000;
            session.close();
        }
        Arrays.sort(micros);
        System.out.println(new JsonLine().put("case", label).put("sessions", count)
                .put("p50_us", micros[count / 2]).put("p90_us", micros[count * 9 / 10])
                .put("max_us", micros[count - 1]));
    }

    private static void idle(int port, int count, String run) throws Exception {
        Semaphore opening = new Semaphore(32);
        List<CompletableFuture<Session>> pending = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String key = "idle-" + run + "-" + i;
            opening.acquire();
            pending.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return session(port, key);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                } finally {
                    opening.release();
                }
            }));
        }
        List<Session> sessions = new ArrayList<>();
        for (CompletableFuture<Session> session : pending) {
            sessions.add(session.get(120, TimeUnit.SECONDS));
        }
        System.out.println("open " + sessions.size());
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII)).readLine();
        for (Session session : sessions) {
            session.echo();
        }
        for (Session session : sessions) {
            session.close();
        }
        System.out.println("closed " + sessions.size());
    }

    /** A session of {@code key} whose first 64 bytes came back. */
    private static Session session(int port, String key) throws Exception {
        Session session = new Session();
        session.socket = CLIENT.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30))
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/sandbox/?user=" + key), session)
                .get(60, TimeUnit.SECONDS);
        session.echo();
        return session;
    }

    /** One client session; counts echoed bytes. */
    private static final class Session implements WebSocket.Listener {
        private WebSocket socket;
        private long received;
        private CompletableFuture<Void> awaited;
        private long target;

        synchronized CompletableFuture<Void> expect(long bytes) {
            target = received + bytes;
            awaited = new CompletableFuture<>();
            return awaited;
        }

        void echo() throws Exception {
            CompletableFuture<Void> back = expect(MESSAGE.length);
            socket.sendBinary(ByteBuffer.wrap(MESSAGE), true).get(30, TimeUnit.SECONDS);
            back.get(30, TimeUnit.SECONDS);
        }

        @Override
        public synchronized CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            received += data.remaining();
            if (awaited != null && received >= target) {
                awaited.complete(null);
            }
            webSocket.request(1);
            return null;
        }

        void close() throws Exception {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
        }
    }
}
