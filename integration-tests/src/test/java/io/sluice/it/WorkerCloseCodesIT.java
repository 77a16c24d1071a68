package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.it.client.RawWsClient;
import io.sluice.it.harness.RunningSluice;
import io.sluice.it.harness.SocketDir;
import io.sluice.it.harness.Workers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The close code when a spawned worker's connection ends: the kernel shows a crash and a clean close alike as EOF,
 * so the code comes from how the worker is. A worker that ends one connection and keeps running: 1000 at once. One
 * that dies non-zero or by a signal: 1011 for every one of its sessions. One that exits 0: 1000.
 */
class WorkerCloseCodesIT {
    private static final int SESSIONS_ON_THE_WORKER = 50;

    private SocketDir dir;
    private final Workers workers = new Workers();
    private final List<RawWsClient> clients = new ArrayList<>();

    @BeforeEach
    void makeDir() throws Exception {
        dir = new SocketDir();
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (RawWsClient client : clients) {
            client.close();
        }
        workers.killAll();
        dir.close();
    }

    private RunningSluice start(String mode) throws Exception {
        RunningSluice sluice = RunningSluice.start(dir.path(), """
                server: { bind: 127.0.0.1, port: 0, runtime-dir: %s }
                wstunnel:
                  frame-type: binary
                  ping-interval: 0
                  server:
                    "/w":
                      - bin-path: %s
                        min-procs: 1
                        max-procs: 1
                """.formatted(dir.resolve("run"), workers.binPath(mode)));
        await().atMost(Duration.ofSeconds(20)).until(() -> workers.alive().size() == 1);
        return sluice;
    }

    /** A masked binary frame in one write (byte-sized writes would meet Nagle and delayed ACKs). */
    private static void send(RawWsClient client, String text) throws Exception {
        byte[] payload = text.getBytes(StandardCharsets.US_ASCII);
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) 0x82;
        frame[1] = (byte) (0x80 | payload.length);
        int mask = 0x0a0b0c0d;
        for (int i = 0; i < 4; i++) {
            frame[2 + i] = (byte) (mask >>> (24 - 8 * i));
        }
        RawWsClient.mask(payload, mask, 0);
        System.arraycopy(payload, 0, frame, 6, payload.length);
        client.writeRaw(frame, 0, frame.length);
        client.flush();
    }

    /** Opens a session and proves it relays: "hi" comes back. */
    private RawWsClient session(RunningSluice sluice) throws Exception {
        RawWsClient client = new RawWsClient(sluice.address());
        clients.add(client);
        assertThat(client.upgrade("/w").status()).isEqualTo(101);
        send(client, "hi");
        assertThat(new String(client.readFrame().payload(), StandardCharsets.US_ASCII)).isEqualTo("hi");
        return client;
    }

    private List<RawWsClient> sessions(RunningSluice sluice, int count) throws Exception {
        List<RawWsClient> opened = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            opened.add(session(sluice));
        }
        return opened;
    }

    private static List<Integer> closeCodes(List<RawWsClient> sessions) throws Exception {
        List<Integer> codes = new ArrayList<>();
        for (RawWsClient client : sessions) {
            codes.add(client.readUntilClose().closeCode());
        }
        return codes;
    }

    @Test
    void aWorkerThatEndsOneConnectionButKeepsRunningGives1000AtOnce() throws Exception {
        try (RunningSluice sluice = start("echo-once")) {
            long workerPid = workers.pids().get(0);
            List<Long> delaysMs = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                RawWsClient client = session(sluice);
                long echoed = System.nanoTime();
                assertThat(client.readUntilClose().closeCode()).isEqualTo(1000);
                delaysMs.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - echoed));
            }
            delaysMs.sort(null);
            System.out.printf("MEASURED echo -> CLOSE 1000 delays (ms, sorted): %s%n", delaysMs);
            // Nothing waits for a live worker: the CLOSE follows the echo within milliseconds. The median keeps
            // one slow moment of a loaded machine from deciding; a wait of its own (250 ms before) cannot hide.
            assertThat(delaysMs.get(delaysMs.size() / 2)).isLessThan(100);
            assertThat(workers.pids()).containsExactly(workerPid);
        }
    }

    @Test
    void everySessionOfAWorkerKilledBySignalGets1011() throws Exception {
        try (RunningSluice sluice = start("exit-on-command")) {
            List<RawWsClient> onTheWorker = sessions(sluice, SESSIONS_ON_THE_WORKER);

            workers.alive().get(0).destroyForcibly();

            assertThat(closeCodes(onTheWorker)).containsOnly(1011).hasSize(SESSIONS_ON_THE_WORKER);
        }
    }

    @Test
    void everySessionOfAWorkerThatExitsNonZeroGets1011() throws Exception {
        try (RunningSluice sluice = start("exit-on-command")) {
            List<RawWsClient> onTheWorker = sessions(sluice, SESSIONS_ON_THE_WORKER);

            send(onTheWorker.get(0), "exit 3");

            assertThat(closeCodes(onTheWorker)).containsOnly(1011).hasSize(SESSIONS_ON_THE_WORKER);
        }
    }

    @Test
    void everySessionOfAWorkerThatExitsZeroGets1000() throws Exception {
        try (RunningSluice sluice = start("exit-on-command")) {
            List<RawWsClient> onTheWorker = sessions(sluice, SESSIONS_ON_THE_WORKER);

            send(onTheWorker.get(0), "exit 0");

            assertThat(closeCodes(onTheWorker)).containsOnly(1000).hasSize(SESSIONS_ON_THE_WORKER);
        }
    }
}
