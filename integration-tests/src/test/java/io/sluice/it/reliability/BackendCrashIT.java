package io.sluice.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.it.client.RawWsClient;
import io.sluice.it.harness.CaseFamily;
import io.sluice.it.harness.Evidence;
import io.sluice.it.harness.Observed;
import io.sluice.it.harness.ReliabilityCase;
import io.sluice.it.harness.RunningSluice;
import io.sluice.it.harness.SocketDir;
import io.sluice.it.harness.Workers;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A spawned worker crashing in the middle of a large frame, either way: while the client is still sending it, and
 * while the worker is still writing its reply. The client gets every byte the worker wrote before it died, then
 * CLOSE 1011, and the server ends the connection without waiting for the rest of the client's frame.
 */
@ExtendWith(Evidence.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackendCrashIT {
    /** Announced by the client, never completed: the crash comes first. */
    private static final long FRAME = 8L << 20;
    /** What the crashing worker echoes of the client's frame before it exits: not frame- or read-aligned. */
    private static final int ECHOED = 600_017;
    /** What the crashing worker writes before it SIGKILLs itself. */
    private static final int REPLY = (3 << 20) + 5;

    private final Workers workers = new Workers();
    private SocketDir dir;
    private RunningSluice sluice;

    @BeforeAll
    void start() throws Exception {
        dir = new SocketDir();
        sluice = RunningSluice.start(dir.path(), """
                server: { bind: 127.0.0.1, port: 0, runtime-dir: %s }
                wstunnel:
                  frame-type: binary
                  ping-interval: 0
                  server:
                    "/crash-in": [ { bin-path: %s, min-procs: 1, max-procs: 1 } ]
                    "/crash-out": [ { bin-path: %s, min-procs: 1, max-procs: 1 } ]
                    "/echo": [ { bin-path: %s, min-procs: 1, max-procs: 1 } ]
                """.formatted(dir.resolve("run"), workers.binPath("crash-after", "--arg", Integer.toString(ECHOED)),
                workers.binPath("source-then-kill", "--arg", Integer.toString(REPLY)), workers.binPath("echo")));
        await().atMost(Duration.ofSeconds(30)).until(() -> workers.alive().size() == 3);
    }

    @AfterAll
    void stop() throws Exception {
        if (sluice != null) {
            sluice.close();
        }
        workers.killAll();
        dir.close();
    }

    /** Streams the pattern as the payload of one masked binary frame of {@link #FRAME} bytes, until it fails. */
    private static CompletableFuture<Long> sendFrameInBackground(RawWsClient client, Socket socket) {
        return CompletableFuture.supplyAsync(() -> {
            long sent = 0;
            try {
                int mask = RawWsClient.randomMask();
                client.writeHeader(0x2, true, FRAME, mask, 0);
                OutputStream out = socket.getOutputStream();
                while (sent < FRAME / 2) {
                    byte[] chunk = ServerStream.pattern(sent, 16 * 1024);
                    RawWsClient.mask(chunk, mask, sent);
                    out.write(chunk);
                    sent += chunk.length;
                }
            } catch (IOException e) {
                // the server closed the connection under us: expected once the session ended
            }
            return sent;
        });
    }

    @Test
    @ReliabilityCase(id = "fault.crash.client-frame", family = CaseFamily.FAULT,
            title = "the worker crashes (exit 3) while the client is mid-way through an 8 MiB frame")
    void aWorkerThatCrashesWhileTheClientSendsAFrameGivesEveryEchoedByteThen1011(Observed observed)
            throws Exception {
        try (RawWsClient client = new RawWsClient(sluice.address())) {
            Socket socket = client.socket();
            assertThat(client.upgrade("/crash-in").status()).isEqualTo(101);
            CompletableFuture<Long> sending = sendFrameInBackground(client, socket);

            ServerStream.Ending ending = ServerStream.untilClose(client);
            Duration closed = ServerStream.awaitEof(socket, Duration.ofSeconds(10));

            assertThat(ending.data()).as("the worker's echo before it crashed").hasSize(ECHOED);
            assertThat(ServerStream.firstPatternMismatch(ending.data(), 0)).isEqualTo(-1);
            assertThat(ending.code()).as("close code, reason " + ending.reason()).isEqualTo(1011);
            // Which of the two 1011 reasons comes is a race: the worker's exit with bytes it never read resets the
            // connection ("backend error"), unless the EOF and the exit status are read first.
            assertThat(ending.reason()).isIn("backend error", "backend process failed");
            assertThat(sending.get()).as("the client was still mid-frame").isLessThan(FRAME);
            assertThat(closed).as("a client mid-frame cannot answer the CLOSE: the linger ends it")
                    .isLessThan(Duration.ofSeconds(5));
            observed.outcome("every one of the %,d bytes the worker echoed before exit 3 arrived intact, then CLOSE 1011"
                    .formatted(ECHOED) + "; the server closed TCP after its linger, not waiting for the rest of the"
                    + " frame.")
                    .bound("fixed", "a CLOSE the client cannot answer ends the connection after the 2 s linger")
                    .measured("close reason", ending.reason())
                    .measured("client bytes sent of the 8 MiB frame", "%,d".formatted(sending.get()))
                    .measured("TCP closed after the CLOSE", closed.toMillis() + " ms");
        }
    }

    @Test
    @ReliabilityCase(id = "fault.crash.backend-reply", family = CaseFamily.FAULT,
            title = "the worker is SIGKILLed mid-way through writing a 3 MiB reply")
    void aWorkerKilledWhileWritingALargeReplyLosesNoByteItWroteThen1011(Observed observed) throws Exception {
        try (RawWsClient client = new RawWsClient(sluice.address())) {
            Socket socket = client.socket();
            assertThat(client.upgrade("/crash-out").status()).isEqualTo(101);

            ServerStream.Ending ending = ServerStream.untilClose(client);
            ServerStream.awaitEof(socket, Duration.ofSeconds(10));

            assertThat(ending.data()).as("every byte the worker wrote before its SIGKILL").hasSize(REPLY);
            assertThat(ServerStream.firstPatternMismatch(ending.data(), 0)).isEqualTo(-1);
            assertThat(ending.code()).as("close code, reason " + ending.reason()).isEqualTo(1011);
            observed.outcome("all %,d bytes the worker wrote before SIGKILL arrived in order, then CLOSE 1011."
                    .formatted(REPLY));
        }
    }

    @Test
    @ReliabilityCase(id = "fault.crash.external-kill", family = CaseFamily.FAULT,
            title = "the worker is SIGKILLed from outside while a large frame streams through it")
    void aWorkerKilledFromOutsideMidStreamGivesAnIntactPrefixThen1011(Observed observed) throws Exception {
        try (RawWsClient client = new RawWsClient(sluice.address())) {
            Socket socket = client.socket();
            assertThat(client.upgrade("/echo").status()).isEqualTo(101);
            long pid = workers.pids().stream().filter(p -> commandLineContains(p, "--mode\0echo\0")).findFirst()
                    .orElseThrow();
            CompletableFuture<Long> sending = sendFrameInBackground(client, socket);
            // Kill it once the echo is flowing: read some of it first.
            RawWsClient.Frame first = client.readFrame();
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);

            ServerStream.Ending ending = ServerStream.untilClose(client);
            ServerStream.awaitEof(socket, Duration.ofSeconds(10));
            byte[] all = new byte[first.payload().length + ending.data().length];
            System.arraycopy(first.payload(), 0, all, 0, first.payload().length);
            System.arraycopy(ending.data(), 0, all, first.payload().length, ending.data().length);

            assertThat(ServerStream.firstPatternMismatch(all, 0)).as("the echo is an intact prefix").isEqualTo(-1);
            assertThat(ending.code()).isEqualTo(1011);
            sending.get();
            observed.outcome("the echo received is an intact prefix of what was sent, then CLOSE 1011.")
                    .measured("echo bytes before the kill took effect", "%,d".formatted(all.length));
        }
    }

    private static boolean commandLineContains(long pid, String text) {
        try {
            return new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/" + pid + "/cmdline")),
                    java.nio.charset.StandardCharsets.UTF_8).contains(text);
        } catch (IOException e) {
            return false;
        }
    }
}
