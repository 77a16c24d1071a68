package io.sluice.it.harness;

import io.sluice.it.client.RawWsClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Many short sessions against a route whose backend ends every connection after its reply: upgrade, one binary
 * message "hi", its echo, then the server's CLOSE 1000. {@code SessionLeakIT} runs a few thousand in-process; the
 * {@link #main} churns any number against a running Sluice for the heap measurement in docs/architecture.md.
 */
public final class Churn {
    /** A masked binary frame carrying "hi" in one write (byte-sized writes would meet Nagle and delayed ACKs). */
    private static final byte[] HI_FRAME = {(byte) 0x82, (byte) 0x82, 1, 2, 3, 4, 'h' ^ 1, 'i' ^ 2};

    private Churn() {
    }

    /** {@code java -cp … io.sluice.it.harness.Churn PORT PATH SESSIONS THREADS}; prints sessions and seconds. */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int sessions = Integer.parseInt(args[2]);
        long started = System.nanoTime();
        run(new InetSocketAddress("127.0.0.1", port), args[1], sessions, Integer.parseInt(args[3]),
                TimeUnit.HOURS.toSeconds(1));
        System.out.printf("churned %d sessions in %.1f s%n", sessions, (System.nanoTime() - started) / 1e9);
    }

    /** {@code sessions} sessions over {@code threads} threads; throws at the first session that went wrong. */
    public static void run(InetSocketAddress server, String path, int sessions, int threads, long timeoutSeconds)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int share = sessions / threads + (t < sessions % threads ? 1 : 0);
                done.add(pool.submit(() -> {
                    for (int i = 0; i < share; i++) {
                        oneSession(server, path);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(timeoutSeconds, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void oneSession(InetSocketAddress server, String path) throws IOException {
        try (RawWsClient client = new RawWsClient(server)) {
            expect(client.upgrade(path).status(), 101, "upgrade status");
            client.writeRaw(HI_FRAME, 0, HI_FRAME.length);
            client.flush();
            String echo = new String(client.readFrame().payload(), StandardCharsets.US_ASCII);
            if (!echo.equals("hi")) {
                throw new IOException("expected the echo \"hi\", got \"" + echo + "\"");
            }
            expect(client.readUntilClose().closeCode(), 1000, "close code");
        }
    }

    private static void expect(int actual, int expected, String what) throws IOException {
        if (actual != expected) {
            throw new IOException(what + ": expected " + expected + ", got " + actual);
        }
    }
}
