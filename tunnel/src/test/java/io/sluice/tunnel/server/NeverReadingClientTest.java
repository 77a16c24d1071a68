package io.sluice.tunnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.spawner.spec.BackendAddress;
import io.sluice.tunnel.config.FrameType;
import io.sluice.tunnel.config.SluiceConfig;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real clients over real sockets that send and send and never read what they are answered: the server must stop
 * reading them once their answers fill the water mark (their own send buffer then fills: they stall), hold no more
 * than the high mark plus one read's answers, and carry on once they read again.
 */
class NeverReadingClientTest {
    /** More than every kernel buffer on the way can absorb (tcp_wmem and tcp_rmem maxima): only a stall stops it. */
    private static final long CAP = 64L << 20;

    private TunnelServer server;
    private SourceBackend source;
    private Socket socket;
    private Flood flood;
    private Path tempDir;

    @AfterEach
    void tearDown() throws Exception {
        if (socket != null) {
            socket.close();
        }
        if (flood != null) {
            flood.join(10_000);
        }
        if (server != null) {
            server.stop();
        }
        if (source != null) {
            source.close();
        }
        if (tempDir != null) {
            try (var files = Files.walk(tempDir)) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            }
        }
    }

    private InetSocketAddress start(Path documentRoot, int backendPort) throws Exception {
        SluiceConfig config = TestConfigs.config(TestConfigs.server(documentRoot, 100, Duration.ZERO, 0),
                List.of(), TestConfigs.route("/echo/", FrameType.BINARY, List.of(), Duration.ZERO, Duration.ZERO));
        server = new TunnelServer(config, TestRegistry.leasing(new BackendAddress.Tcp("127.0.0.1", backendPort)));
        return server.start();
    }

    /** A TCP backend that writes 64 KiB blocks to every connection as fast as it is read, and ignores its input. */
    private static final class SourceBackend implements AutoCloseable {
        private final ServerSocket listener;
        private final List<Socket> connections = new CopyOnWriteArrayList<>();

        private SourceBackend(ServerSocket listener) {
            this.listener = listener;
            Thread acceptor = new Thread(this::accept, "source-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        static SourceBackend start() throws IOException {
            return new SourceBackend(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        }

        int port() {
            return listener.getLocalPort();
        }

        private void accept() {
            try {
                while (true) {
                    Socket connection = listener.accept();
                    connections.add(connection);
                    daemon("source-write", () -> {
                        byte[] block = new byte[64 * 1024];
                        while (true) {
                            connection.getOutputStream().write(block);
                        }
                    });
                    daemon("source-read",
                            () -> connection.getInputStream().transferTo(OutputStream.nullOutputStream()));
                }
            } catch (IOException e) {
                // closed by the test
            }
        }

        private interface Body {
            void run() throws IOException;
        }

        private static void daemon(String name, Body body) {
            Thread thread = new Thread(() -> {
                try {
                    body.run();
                } catch (IOException e) {
                    // the connection closed
                }
            }, name);
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws IOException {
            listener.close();
            for (Socket connection : connections) {
                connection.close();
            }
        }
    }

    private Socket connect(InetSocketAddress at) throws IOException {
        socket = new Socket();
        socket.setSendBufferSize(64 * 1024);
        socket.setReceiveBufferSize(64 * 1024);
        socket.connect(at, 10_000);
        socket.setSoTimeout(20_000);
        return socket;
    }

    /**
     * Writes {@code chunk} over and over from its own thread until the cap, a failure, or {@link #finish}; it also
     * gives up once {@code overBound} says the server already holds more than the test allows (so a broken server
     * fails the test without first filling this JVM's heap).
     */
    private static final class Flood extends Thread {
        private final OutputStream out;
        private final byte[] chunk;
        private final byte[] last;
        private final BooleanSupplier overBound;
        final AtomicLong written = new AtomicLong();
        private volatile boolean finish;

        Flood(OutputStream out, byte[] chunk, byte[] last, BooleanSupplier overBound) {
            super("never-reading-client");
            setDaemon(true);
            this.out = out;
            this.chunk = chunk;
            this.last = last;
            this.overBound = overBound;
        }

        @Override
        public void run() {
            try {
                while (!finish && written.get() < CAP) {
                    if (overBound.getAsBoolean()) {
                        return;
                    }
                    out.write(chunk);
                    written.addAndGet(chunk.length);
                }
                out.write(last);
            } catch (IOException e) {
                // the test closed the socket
            }
        }

        /** Returns once nothing more was written for a whole poll interval: the client is stuck in write(). */
        long awaitStall() {
            long[] seen = {-1};
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
                long now = written.get();
                boolean same = now == seen[0];
                seen[0] = now;
                return same;
            });
            return written.get();
        }

        /** Writes {@code last} after the current chunk and ends. */
        void finish() {
            finish = true;
        }
    }

    /** One masked client frame with a payload under 126 bytes. */
    static byte[] frame(int opcode, byte[] payload) {
        byte[] mask = {0x2a, 0x5c, 0x0f, 0x71};
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) (0x80 | opcode);
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i & 3]);
        }
        return frame;
    }

    private static byte[] repeat(byte[] part, int times) {
        ByteArrayOutputStream all = new ByteArrayOutputStream(part.length * times);
        for (int i = 0; i < times; i++) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }

    /** Reads a response head up to its blank line; returns the status line. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.indexOf("\r\n\r\n") < 0) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed in the response head: " + head);
            }
            head.append((char) b);
        }
        return head.substring(0, head.indexOf("\r\n"));
    }

    /** One frame from the server. */
    private record ServerFrame(int opcode, byte[] payload) {
        boolean isPong(String text) {
            return opcode == 0xA && new String(payload, StandardCharsets.UTF_8).equals(text);
        }
    }

    /** Reads one (unmasked) server frame. */
    private static ServerFrame readFrame(DataInputStream in) throws IOException {
        int opcode = in.readUnsignedByte() & 0x0f;
        long length = in.readUnsignedByte() & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[Math.toIntExact(length)];
        in.readFully(payload);
        return new ServerFrame(opcode, payload);
    }

    @Test
    void aClientThatSendsPingsButNeverReadsIsNotReadWhileItsOutboundBufferIsFull() throws Exception {
        source = SourceBackend.start();
        InetSocketAddress at = start(null, source.port());
        connect(at);
        OutputStream out = socket.getOutputStream();
        DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        out.write(("GET /echo/ HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        assertThat(readHead(in)).isEqualTo("HTTP/1.1 101 Switching Protocols");
        // The backend fills the client's outbound buffer; the client answers with nothing but PINGs.
        byte[] ping = frame(0x9, repeat(new byte[] {'p'}, 125));
        byte[] lastPing = frame(0x9, "resumed".getBytes(StandardCharsets.UTF_8));
        // Netty counts 96 bytes per queued buffer. Beyond the high mark: one backend read as a frame (header and
        // payload buffers) written while the client was still writable, the PONG that crossed the mark, and the one
        // latest PONG held while unwritable and written at the end of the read batch.
        long entry = 96;
        long oneRead = 64 * 1024 + 14 + 2 * entry;
        long pong = 2 + 125 + entry;
        long bound = TunnelServer.WATER_MARK.high() + oneRead + 2 * pong;
        flood = new Flood(out, repeat(ping, 64), lastPing, () -> server.stats().peakClientPendingBytes() > bound);
        flood.start();

        assertThat(flood.awaitStall()).as("bytes the client could write").isLessThan(CAP);
        assertThat(server.stats().peakClientPendingBytes()).isLessThanOrEqualTo(bound);

        flood.finish();
        while (!readFrame(in).isPong("resumed")) {
            // reading lets the server read again: the flood ends, and its last PING is answered
        }
    }

    @Test
    void pipelinedRequestsWhoseAnswersAreNeverReadAreNotReadWhileTheAnswersFillTheWaterMark() throws Exception {
        tempDir = Files.createTempDirectory(Path.of("/tmp"), "sluice");
        Path root = Files.createDirectories(tempDir.resolve("www"));
        Files.writeString(root.resolve("small.txt"), "0123456789");
        InetSocketAddress at = start(root, 9);
        connect(at);
        byte[] request = ("GET /small.txt HTTP/1.1\r\nHost: a\r\nX-Pad: " + "x".repeat(1000) + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] lastRequest = "GET /small.txt HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        long answersToOneRead = (64 * 1024 / request.length + 1) * 512L; // head, file region, end: ~400 bytes
        long bound = TunnelServer.WATER_MARK.high() + answersToOneRead;
        flood = new Flood(socket.getOutputStream(), repeat(request, 8), lastRequest,
                () -> server.stats().peakHttpPendingBytes() > bound);
        flood.start();

        long written = flood.awaitStall();
        assertThat(written).as("bytes the client could write").isLessThan(CAP);
        assertThat(server.stats().peakHttpPendingBytes()).isLessThanOrEqualTo(bound);

        flood.finish(); // reading lets the server read again: every request is answered, the last one closes
        long answers = countOccurrences(new BufferedInputStream(socket.getInputStream()), "HTTP/1.1 200 OK\r\n");
        flood.join(10_000);
        assertThat(answers).isEqualTo(flood.written.get() / request.length + 1);
    }

    /** Reads to EOF, counting {@code pattern} (whose first character occurs nowhere else in it). */
    private static long countOccurrences(InputStream in, String pattern) throws IOException {
        long count = 0;
        int matched = 0;
        for (int b; (b = in.read()) >= 0; ) {
            matched = b == pattern.charAt(matched) ? matched + 1 : b == pattern.charAt(0) ? 1 : 0;
            if (matched == pattern.length()) {
                count++;
                matched = 0;
            }
        }
        return count;
    }
}
