package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.it.client.RandomWire;
import io.sluice.it.client.RawWsClient;
import io.sluice.it.client.RawWsClient.Frame;
import io.sluice.it.harness.MarkedPrograms;
import io.sluice.it.harness.RunningSluice;
import io.sluice.it.harness.SocketDir;
import io.sluice.tunnel.session.SessionRecord;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code instances: per-connection} end to end with real programs and raw clients: {@code cat} and a shell
 * {@code while read} line program over 100 concurrent sessions, byte-exact whatever the splits; a program's exit as
 * the close code and reason; the CGI variables a program sees; a pseudo-terminal that makes a block-buffering program
 * stream. After every test no process of the test's programs is left (found by an environment mark their descendants
 * inherit).
 */
class PerConnectionProgramsIT {
    private static final int SESSIONS = 100;
    private SocketDir dir;
    private final MarkedPrograms programs = new MarkedPrograms();
    private RunningSluice sluice;

    @BeforeEach
    void start() throws Exception {
        dir = new SocketDir();
        String env = programs.environment();
        sluice = RunningSluice.start(dir.path(), """
                server: { bind: 127.0.0.1, port: 0, runtime-dir: %1$s }
                wstunnel:
                  ping-interval: 0
                  server:
                    "/cat":
                      frame-type: binary
                      hosts:
                        - bin-path: /bin/cat
                          instances: per-connection
                          max-procs: 200
                          bin-environment: %2$s
                    "/lines":
                      framing: lines
                      hosts:
                        - bin-path: [/bin/sh, -c, 'while IFS= read -r line; do printf "%%s\\n" "$line"; done']
                          instances: per-connection
                          max-procs: 200
                          bin-environment: %2$s
                    "/exit/":
                      framing: lines
                      hosts:
                        - bin-path: [/bin/sh, -c, 'read -r how; echo "bye $how"; case $how in
                            segv) kill -SEGV $$ ;; *) exit $how ;; esac']
                          instances: per-connection
                          bin-environment: %2$s
                    "/env/":
                      framing: lines
                      hosts:
                        - bin-path: [/bin/sh, -c, 'env; echo END; cat']
                          instances: per-connection
                          bin-environment: %2$s
                    "/tty":
                      framing: lines
                      hosts:
                        - bin-path: [/usr/bin/perl, -e, 'print "ready\\n"; my $l = <STDIN>; print "got $l";']
                          instances: per-connection
                          pty: true
                          bin-environment: %2$s
                    "/notty":
                      framing: lines
                      hosts:
                        - bin-path: [/usr/bin/perl, -e, 'print "ready\\n"; my $l = <STDIN>; print "got $l";']
                          instances: per-connection
                          bin-environment: %2$s
                """.formatted(dir.resolve("run"), env));
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (sluice != null) {
                sluice.close();
            }
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(programs.alive()).as("processes of this test's programs").isEmpty());
        } finally {
            programs.killAll();
            dir.close();
        }
    }

    @Test
    void hundredConcurrentSessionsThroughCatComeBackByteExact() throws Exception {
        concurrently(SESSIONS, i -> {
            Random random = new Random(2000L + i);
            byte[] payload = new byte[16 * 1024 + random.nextInt(48 * 1024)];
            random.nextBytes(payload);
            try (RawWsClient client = new RawWsClient(sluice.address())) {
                assertThat(client.upgrade("/cat").status()).isEqualTo(101);
                ByteArrayOutputStream wire = new ByteArrayOutputStream();
                for (int at = 0; at < payload.length; ) {
                    int n = Math.min(payload.length - at, 1 + random.nextInt(8192));
                    wire.writeBytes(RawWsClient.maskedFrame(0x2, true, Arrays.copyOfRange(payload, at, at + n)));
                    at += n;
                }
                RandomWire.writeInPieces(client, wire.toByteArray(), random, 4000);
                ByteArrayOutputStream back = new ByteArrayOutputStream();
                while (back.size() < payload.length) {
                    Frame frame = client.readFrame();
                    assertThat(frame.opcode()).as("session %d after %d bytes: %s", i, back.size(),
                            frame.opcode() == 0x8 ? frame.closeCode() + " " + new String(frame.payload(),
                                    StandardCharsets.UTF_8) : "").isEqualTo(0x2);
                    back.writeBytes(frame.payload());
                }
                assertThat(crc(back.toByteArray())).as("session %d", i).isEqualTo(crc(payload));
                client.sendFrame(0x8, true, new byte[] {0x03, (byte) 0xE8}, true);
                assertThat(client.readUntilClose().closeCode()).isEqualTo(1000);
            }
        });
    }

    @Test
    void hundredConcurrentLineSessionsGetEveryLineBackWhateverTheSplits() throws Exception {
        concurrently(SESSIONS, i -> {
            Random random = new Random(3000L + i);
            try (RawWsClient client = new RawWsClient(sluice.address())) {
                assertThat(client.upgrade("/lines").status()).isEqualTo(101);
                List<String> messages = new ArrayList<>();
                ByteArrayOutputStream wire = new ByteArrayOutputStream();
                for (int m = 0; m < 20; m++) {
                    String message = RandomWire.text(random, random.nextInt(5) == 0 ? 0 : 1 + random.nextInt(100));
                    messages.add(message);
                    wire.writeBytes(RandomWire.fragmented(message.getBytes(StandardCharsets.UTF_8), random));
                }
                RandomWire.writeInPieces(client, wire.toByteArray(), random, 4000);
                for (int m = 0; m < messages.size(); m++) {
                    Frame frame = client.readFrame();
                    assertThat(frame.opcode()).isEqualTo(0x1);
                    assertThat(new String(frame.payload(), StandardCharsets.UTF_8)).as("session %d message %d", i, m)
                            .isEqualTo(messages.get(m));
                }
                client.sendFrame(0x8, true, new byte[] {0x03, (byte) 0xE8}, true);
                assertThat(client.readUntilClose().closeCode()).isEqualTo(1000);
            }
        });
    }

    @Test
    void theProgramsExitIsTheCloseCodeAfterEverythingItWrote() throws Exception {
        assertThat(ending("0")).isEqualTo(new Ending("bye 0", 1000, ""));
        assertThat(ending("3")).isEqualTo(new Ending("bye 3", 1011, "exit 3"));
        assertThat(ending("segv")).isEqualTo(new Ending("bye segv", 1011, "killed by SIGSEGV"));
    }

    private record Ending(String lastMessage, int code, String reason) {
    }

    private Ending ending(String how) throws Exception {
        try (RawWsClient client = new RawWsClient(sluice.address())) {
            assertThat(client.upgrade("/exit/").status()).isEqualTo(101);
            client.writeAtOnce(RawWsClient.maskedFrame(0x1, how.getBytes(StandardCharsets.US_ASCII)));
            String last = new String(client.readFrame().payload(), StandardCharsets.UTF_8);
            Frame close = client.readFrame();
            assertThat(close.opcode()).isEqualTo(0x8);
            return new Ending(last, close.closeCode(),
                    new String(close.payload(), 2, close.payload().length - 2, StandardCharsets.UTF_8));
        }
    }

    @Test
    void theProgramSeesItsCgiVariablesAndTheSessionsId() throws Exception {
        try (RawWsClient client = new RawWsClient(sluice.address())) {
            assertThat(client.upgrade("/env/sub/path?q=1%202", "X-Custom: v1", "x-custom: v2",
                    "Cookie: secret=1", "X_Forged: no").status()).isEqualTo(101);
            List<String> env = new ArrayList<>();
            for (String line; !(line = text(client.readFrame())).equals("END"); ) {
                env.add(line);
            }
            SessionRecord session = sluice.server().stats().liveSessions(10).get(0);
            assertThat(env).contains("GATEWAY_INTERFACE=CGI/1.1", "REQUEST_METHOD=GET", "SERVER_PROTOCOL=HTTP/1.1",
                    "REMOTE_ADDR=127.0.0.1", "REMOTE_PORT=" + client.localPort(), "SERVER_NAME=127.0.0.1",
                    "SERVER_PORT=" + sluice.address().getPort(), "REQUEST_URI=/env/sub/path?q=1%202",
                    "SCRIPT_NAME=/env", "PATH_INFO=/sub/path", "QUERY_STRING=q=1%202", "HTTP_X_CUSTOM=v1, v2",
                    "SLUICE_ROUTE=/env/", "SLUICE_SESSION_ID=" + session.id(), "PATH=/usr/bin:/bin");
            assertThat(env).filteredOn(e -> e.startsWith("SERVER_SOFTWARE=sluice/")).hasSize(1);
            assertThat(env).noneMatch(e -> e.startsWith("HTTP_COOKIE=") || e.startsWith("HTTP_X_FORGED="));
            client.sendFrame(0x8, true, new byte[] {0x03, (byte) 0xE8}, true);
            assertThat(client.readUntilClose().closeCode()).isEqualTo(1000);
        }
    }

    /** perl block-buffers stdout unless it is a terminal: with pty: true its first line comes before any input. */
    @Test
    void aPseudoTerminalMakesABlockBufferingProgramStreamAtOnce() throws Exception {
        try (RawWsClient tty = new RawWsClient(sluice.address());
             RawWsClient plain = new RawWsClient(sluice.address())) {
            assertThat(tty.upgrade("/tty").status()).isEqualTo(101);
            assertThat(plain.upgrade("/notty").status()).isEqualTo(101);

            assertThat(text(tty.readFrame())).isEqualTo("ready");
            tty.writeAtOnce(RawWsClient.maskedFrame(0x1, "x".getBytes(StandardCharsets.US_ASCII)));
            assertThat(text(tty.readFrame())).isEqualTo("got x");
            assertThat(tty.readUntilClose().closeCode()).isEqualTo(1000);

            // Without a terminal the line sits in perl's buffer until it exits.
            plain.writeAtOnce(RawWsClient.maskedFrame(0x1, "y".getBytes(StandardCharsets.US_ASCII)));
            assertThat(text(plain.readFrame())).isEqualTo("ready");
            assertThat(text(plain.readFrame())).isEqualTo("got y");
            assertThat(plain.readUntilClose().closeCode()).isEqualTo(1000);
        }
    }

    private static String text(Frame frame) {
        assertThat(frame.opcode()).isEqualTo(0x1);
        return new String(frame.payload(), StandardCharsets.UTF_8);
    }

    private static long crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }

    private interface Session {
        void run(int index) throws Exception;
    }

    private static void concurrently(int sessions, Session session) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(sessions);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                int index = i;
                running.add(pool.submit(() -> {
                    session.run(index);
                    return null;
                }));
            }
            for (Future<?> done : running) {
                done.get(100, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
    }
}
