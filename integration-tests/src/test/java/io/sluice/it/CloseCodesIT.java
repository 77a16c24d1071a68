package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.it.client.JdkWsClient;
import io.sluice.it.client.RawWsClient;
import io.sluice.it.client.RawWsClient.Frame;
import io.sluice.it.fixture.Pattern;
import io.sluice.it.harness.BackendProcess;
import io.sluice.it.harness.RunningSluice;
import io.sluice.it.harness.SocketDir;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Every way a session ends, and the close code the client sees for it (ARCHITECTURE §2, close mapping). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CloseCodesIT {
    private static final int SOURCE_BYTES = 300_000;

    private SocketDir dir;
    private BackendProcess echo;
    private BackendProcess source;
    private BackendProcess reset;
    private BackendProcess badText;
    private RunningSluice sluice;

    @BeforeAll
    void start() throws Exception {
        dir = new SocketDir();
        echo = BackendProcess.unix(dir.resolve("echo.sock"), "echo");
        source = BackendProcess.unix(dir.resolve("source.sock"), "source", Integer.toString(SOURCE_BYTES));
        // A TCP backend: SO_LINGER 0 makes its close a reset; unix sockets have no such thing.
        reset = BackendProcess.tcp("reset-after", "10");
        badText = BackendProcess.unix(dir.resolve("bad.sock"), "raw-bytes", "41ff42");
        sluice = RunningSluice.start(dir.path(), """
                server: { bind: 127.0.0.1, port: 0, max-message-size: 1000 }
                wstunnel:
                  ping-interval: 0
                  server:
                    "/echo": [ { socket: echo.sock } ]
                    "/source": [ { socket: source.sock } ]
                    "/reset": [ { host: 127.0.0.1, port: %d } ]
                    "/bad-text": [ { socket: bad.sock } ]
                    "/pinged":
                      ping-interval: 1
                      pong-timeout: 2
                      hosts: [ { socket: echo.sock } ]
                """.formatted(reset.tcpPort()));
    }

    @AfterAll
    void stop() throws Exception {
        if (sluice != null) {
            sluice.close();
        }
        for (BackendProcess backend : new BackendProcess[] {echo, source, reset, badText}) {
            if (backend != null) {
                backend.close();
            }
        }
        if (dir != null) {
            dir.close();
        }
    }

    private RawWsClient open(String path) throws Exception {
        RawWsClient client = new RawWsClient(sluice.address());
        assertThat(client.upgrade(path).status()).isEqualTo(101);
        return client;
    }

    @Test
    void clientCloseIsEchoedAndTheBackendGetsEveryByteBeforeEof() throws Exception {
        int before = echo.eofLines().size();
        try (RawWsClient client = open("/echo")) {
            // Data frames and the CLOSE in one write: lighttpd drops such data (B2); we must not.
            byte[] part = "0123456789".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 3; i++) {
                client.writeHeader(0x2, true, part.length, 0, 0);
                client.writeRaw(part, 0, part.length);
            }
            client.writeHeader(0x8, true, 2, 0, 0);
            client.writeRaw(new byte[] {0x0f, (byte) 0xa1}, 0, 2);
            client.flush();
            Frame close = client.readUntilClose();
            assertThat(close.closeCode()).isEqualTo(4001);
        }
        // Other tests' connections to the same backend may end around now too: look for ours among the new lines.
        await().atMost(Duration.ofSeconds(10)).until(() -> echo.eofLines().stream().skip(before)
                .anyMatch(l -> l.contains(" bytes=30 ")));
    }

    @Test
    void clientCloseWithoutCodeIsAnsweredWith1000() throws Exception {
        try (RawWsClient client = open("/echo")) {
            client.sendFrame(0x8, true, new byte[0], true);
            assertThat(client.readUntilClose().closeCode()).isEqualTo(1000);
        }
    }

    @Test
    void backendEofDeliversEveryPendingByteThenCloses1000() throws Exception {
        try (JdkWsClient client = JdkWsClient.connect(sluice.uri("/source"), true)) {
            assertThat(client.closeCode().get(30, TimeUnit.SECONDS)).isEqualTo(1000);
            byte[] expected = new byte[SOURCE_BYTES];
            for (int i = 0; i < SOURCE_BYTES; i++) {
                expected[i] = Pattern.byteAt(i);
            }
            assertThat(client.received().keptBytes()).isEqualTo(expected);
        }
    }

    @Test
    void backendResetCloses1011() throws Exception {
        try (JdkWsClient client = JdkWsClient.connect(sluice.uri("/reset"))) {
            client.sendBinary(new byte[64]);
            assertThat(client.closeCode().get(30, TimeUnit.SECONDS)).isEqualTo(1011);
        }
    }

    @Test
    void bytesThatAreNotUtf8OnATextRouteClose1011AfterTheValidPart() throws Exception {
        try (RawWsClient client = open("/bad-text")) {
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            Frame frame;
            while ((frame = client.readFrame()).opcode() != 0x8) {
                assertThat(frame.opcode()).isEqualTo(0x1);
                text.write(frame.payload());
            }
            assertThat(frame.closeCode()).isEqualTo(1011);
            assertThat(text.toString(StandardCharsets.UTF_8)).isIn("", "A");
        }
    }

    @Test
    void unmaskedClientFrameCloses1002() throws Exception {
        try (RawWsClient client = open("/echo")) {
            client.sendFrame(0x2, true, new byte[] {1, 2, 3}, false);
            assertThat(client.readUntilClose().closeCode()).isEqualTo(1002);
        }
    }

    @Test
    void reservedBitsClose1002() throws Exception {
        try (RawWsClient client = open("/echo")) {
            client.writeHeader(0x2, true, 1, 0, 4);
            client.writeRaw(new byte[] {9}, 0, 1);
            client.flush();
            assertThat(client.readUntilClose().closeCode()).isEqualTo(1002);
        }
    }

    @Test
    void invalidUtf8FromTheClientCloses1007() throws Exception {
        try (RawWsClient client = open("/echo")) {
            client.sendFrame(0x1, true, new byte[] {(byte) 0xc3, 0x28}, true);
            assertThat(client.readUntilClose().closeCode()).isEqualTo(1007);
        }
    }

    @Test
    void aMessageOverMaxMessageSizeCloses1009() throws Exception {
        try (RawWsClient client = open("/echo")) {
            client.sendFrame(0x2, false, new byte[600], true);
            client.sendFrame(0x0, true, new byte[600], true);
            assertThat(client.readUntilClose().closeCode()).isEqualTo(1009);
        }
    }

    @Test
    void aClientThatIgnoresPingsIsClosed1001AfterThePongTimeout() throws Exception {
        try (RawWsClient client = open("/pinged")) {
            Frame first = client.readFrame();
            assertThat(first.opcode()).isEqualTo(0x9);
            assertThat(client.readUntilClose().closeCode()).isEqualTo(1001);
        }
    }

    @Test
    void aClientThatAnswersPingsStaysConnected() throws Exception {
        try (RawWsClient client = open("/pinged")) {
            for (int i = 0; i < 3; i++) {
                Frame ping = client.readFrame();
                assertThat(ping.opcode()).isEqualTo(0x9);
                client.sendFrame(0xA, true, ping.payload(), true);
            }
            client.sendFrame(0x2, true, "still here".getBytes(StandardCharsets.US_ASCII), true);
            Frame data;
            do {
                data = client.readFrame();
            } while (data.opcode() == 0x9);
            assertThat(new String(data.payload(), StandardCharsets.US_ASCII)).isEqualTo("still here");
        }
    }

    @Test
    void aSilentClientIsClosed1001AfterMaxReadIdle() throws Exception {
        try (SocketDir own = new SocketDir();
             BackendProcess ownEcho = BackendProcess.unix(own.resolve("echo.sock"), "echo");
             RunningSluice idle = RunningSluice.start(own.path(), """
                     server: { bind: 127.0.0.1, port: 0, max-read-idle: 1 }
                     wstunnel:
                       ping-interval: 0
                       server:
                         "/echo": [ { socket: echo.sock } ]
                     """);
             RawWsClient client = new RawWsClient(idle.address())) {
            assertThat(client.upgrade("/echo").status()).isEqualTo(101);
            assertThat(client.readUntilClose().closeCode()).isEqualTo(1001);
        }
    }

    @Test
    void serverShutdownCloses1001() throws Exception {
        try (SocketDir own = new SocketDir();
             BackendProcess ownEcho = BackendProcess.unix(own.resolve("echo.sock"), "echo");
             RunningSluice stopping = RunningSluice.start(own.path(), """
                     server: { bind: 127.0.0.1, port: 0 }
                     wstunnel:
                       server:
                         "/echo": [ { socket: echo.sock } ]
                     """);
             JdkWsClient client = JdkWsClient.connect(stopping.uri("/echo"))) {
            stopping.close();
            assertThat(client.closeCode().get(20, TimeUnit.SECONDS)).isEqualTo(1001);
        }
    }
}
