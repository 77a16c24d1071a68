package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.it.client.RandomWire;
import io.sluice.it.client.RawWsClient;
import io.sluice.it.client.RawWsClient.Frame;
import io.sluice.it.harness.BackendProcess;
import io.sluice.it.harness.RunningSluice;
import io.sluice.it.harness.SocketDir;
import io.sluice.it.harness.Workers;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code framing: lines} end to end, with a real line program ({@code number-lines}: each line comes back numbered,
 * written in pieces of random sizes) behind a spawned pool and behind an existing unix socket server, and raw clients
 * that fragment their messages at random bytes and write the frames in random pieces: every message is one line to
 * the program and every line one message back, byte for byte, over 100 concurrent sessions.
 */
class LineFramingIT {
    private static final int SESSIONS = 100;
    private static final int MESSAGES = 20;
    private SocketDir dir;
    private final Workers workers = new Workers();
    private BackendProcess socketBackend;
    private RunningSluice sluice;

    @BeforeEach
    void start() throws Exception {
        dir = new SocketDir();
        socketBackend = BackendProcess.unix(dir.resolve("lines.sock"), "number-lines");
        sluice = RunningSluice.start(dir.path(), """
                server: { bind: 127.0.0.1, port: 0, runtime-dir: %s }
                wstunnel:
                  ping-interval: 0
                  server:
                    "/pool":
                      framing: lines
                      max-line-length: 1KiB
                      hosts:
                        - bin-path: %s
                          min-procs: 2
                          max-procs: 2
                          max-load-per-proc: 1000
                    "/socket":
                      - socket: lines.sock
                        framing: lines
                        max-line-length: 1KiB
                """.formatted(dir.resolve("run"), workers.binPath("number-lines")));
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (sluice != null) {
                sluice.close();
            }
        } finally {
            workers.killAll();
            if (socketBackend != null) {
                socketBackend.close();
            }
            dir.close();
        }
    }

    @Test
    void hundredConcurrentSessionsGetEveryLineBackByteExactWhateverTheSplits() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(SESSIONS);
        try {
            List<Future<?>> sessions = new ArrayList<>();
            for (int i = 0; i < SESSIONS; i++) {
                long seed = 1000L + i;
                String path = i % 2 == 0 ? "/pool" : "/socket";
                sessions.add(pool.submit(() -> {
                    runSession(path, new Random(seed));
                    return null;
                }));
            }
            for (Future<?> session : sessions) {
                session.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    /** MESSAGES random texts (empty ones too), fragmented and written in random pieces; each back numbered. */
    private void runSession(String path, Random random) throws Exception {
        try (RawWsClient client = new RawWsClient(sluice.address())) {
            assertThat(client.upgrade(path).status()).isEqualTo(101);
            List<String> messages = new ArrayList<>();
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            for (int m = 0; m < MESSAGES; m++) {
                String message = RandomWire.text(random, random.nextInt(5) == 0 ? 0 : 1 + random.nextInt(200));
                messages.add(message);
                wire.writeBytes(RandomWire.fragmented(message.getBytes(StandardCharsets.UTF_8), random));
            }
            RandomWire.writeInPieces(client, wire.toByteArray(), random, 400);
            for (int m = 0; m < MESSAGES; m++) {
                Frame frame = client.readFrame();
                assertThat(frame.opcode()).as("%s message %d", path, m).isEqualTo(0x1);
                assertThat(frame.fin()).isTrue();
                assertThat(new String(frame.payload(), StandardCharsets.UTF_8)).as("%s message %d", path, m)
                        .isEqualTo((m + 1) + " " + messages.get(m));
            }
            client.sendFrame(0x8, true, new byte[] {0x03, (byte) 0xE8}, true);
            assertThat(client.readUntilClose().closeCode()).isEqualTo(1000);
        }
    }

    @Test
    void onTheBase64SubprotocolEachDecodedMessageIsALineAndEachLineComesBackEncoded() throws Exception {
        try (RawWsClient client = new RawWsClient(sluice.address())) {
            assertThat(client.upgrade("/pool", "Sec-WebSocket-Protocol: base64").header("sec-websocket-protocol"))
                    .isEqualTo("base64");
            byte[] first = {0, (byte) 0xFF, '\r', 'x'};
            byte[] second = {};
            client.writeAtOnce(RawWsClient.maskedFrame(0x1, true, base64(first)));
            client.writeAtOnce(RawWsClient.maskedFrame(0x1, true, base64(second)));

            assertThat(decoded(client.readFrame())).isEqualTo(concat("1 ".getBytes(StandardCharsets.US_ASCII), first));
            assertThat(decoded(client.readFrame())).isEqualTo("2 ".getBytes(StandardCharsets.US_ASCII));
            client.writeAtOnce(RawWsClient.maskedFrame(0x1, true, base64(new byte[] {'a', '\n', 'b'})));
            Frame close = client.readUntilClose();
            assertThat(close.closeCode()).isEqualTo(1007);
            assertThat(new String(close.payload(), 2, close.payload().length - 2, StandardCharsets.UTF_8))
                    .isEqualTo("newline in a message");
        }
    }

    @Test
    void aLineLongerThanMaxLineLengthCloses1009AfterTheLinesBeforeIt() throws Exception {
        for (String path : new String[] {"/pool", "/socket"}) {
            try (RawWsClient client = new RawWsClient(sluice.address())) {
                assertThat(client.upgrade(path).status()).isEqualTo(101);
                client.writeAtOnce(RawWsClient.maskedFrame(0x1, true, "fits".getBytes(StandardCharsets.US_ASCII)));
                client.writeAtOnce(RawWsClient.maskedFrame(0x1, true, "x".repeat(1100)
                        .getBytes(StandardCharsets.US_ASCII)));

                assertThat(new String(client.readFrame().payload(), StandardCharsets.US_ASCII)).isEqualTo("1 fits");
                Frame close = client.readFrame();
                assertThat(close.opcode()).as(path).isEqualTo(0x8);
                assertThat(close.closeCode()).as(path).isEqualTo(1009);
            }
        }
    }

    private static byte[] base64(byte[] bytes) {
        return Base64.getEncoder().encode(bytes);
    }

    private static byte[] decoded(Frame frame) {
        assertThat(frame.opcode()).isEqualTo(0x1);
        return Base64.getDecoder().decode(frame.payload());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
