package io.sluice.tunnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.spawner.spec.BackendAddress;
import io.sluice.tunnel.config.FrameType;
import io.sluice.tunnel.config.SluiceConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a client gets from the route's payload format, over real sockets: base64 replies arrive whole and at once
 * (request/response protocols must not deadlock), invalid client base64 closes 1007 "invalid base64", and a text
 * route's client still gets the valid text before the 1011 for a backend's invalid UTF-8.
 */
class PayloadFormatsTest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private TunnelServer server;
    private EchoBackend echo;
    private ServerSocketChannel rawBackend;
    private final List<SocketChannel> rawConnections = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() throws IOException {
        if (server != null) {
            server.stop();
        }
        if (echo != null) {
            echo.close();
        }
        if (rawBackend != null) {
            rawBackend.close();
        }
        for (SocketChannel connection : rawConnections) {
            connection.close();
        }
    }

    /** Keeps whole text messages (fragments joined) and the close status and reason. */
    static final class Messages implements WebSocket.Listener {
        final List<String> texts = new CopyOnWriteArrayList<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public synchronized CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                texts.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }
    }

    private WebSocket connect(BackendAddress backend, FrameType type, String subprotocol, Messages messages)
            throws Exception {
        SluiceConfig config = TestConfigs.config(TestConfigs.route("/r/", type, List.of(), Duration.ZERO,
                Duration.ZERO));
        server = new TunnelServer(config, TestRegistry.leasing(backend));
        InetSocketAddress at = server.start();
        WebSocket.Builder builder = http.newWebSocketBuilder();
        if (subprotocol != null) {
            builder.subprotocols(subprotocol);
        }
        return builder.buildAsync(URI.create("ws://127.0.0.1:" + at.getPort() + "/r/"), messages)
                .get(10, TimeUnit.SECONDS);
    }

    @Test
    void base64RepliesOfEveryLengthArriveWholeWithoutWaitingForMoreBytes() throws Exception {
        echo = EchoBackend.tcp();
        Messages messages = new Messages();
        WebSocket ws = connect(new BackendAddress.Tcp("127.0.0.1", echo.port()), FrameType.BINARY, "base64",
                messages);
        long sent = 0;
        int replies = 0;
        for (int length : new int[] {1, 2, 4, 5, 3, 7}) {
            byte[] request = new byte[length];
            for (int i = 0; i < length; i++) {
                request[i] = (byte) ('a' + i);
            }
            String base64 = Base64.getEncoder().encodeToString(request); // "YQ==", "YWI=", "YWJjZA==", ...
            ws.sendText(base64, true).get(5, TimeUnit.SECONDS);
            sent += length;
            replies++;
            long expectedBytes = sent;
            int expectedReplies = replies;
            // The padded message reaches the backend whole, and its echo comes back whole, while the session stays
            // open: before, 1 or 2 bytes of each reply waited for the backend to close.
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(echo.received.get()).isEqualTo(expectedBytes);
                assertThat(messages.texts).hasSize(expectedReplies).last().isEqualTo(base64);
            });
        }
        assertThat(messages.closed).isNotDone();
    }

    @Test
    void invalidClientBase64ClosesWith1007NamingBase64() throws Exception {
        echo = EchoBackend.tcp();
        Messages messages = new Messages();
        WebSocket ws = connect(new BackendAddress.Tcp("127.0.0.1", echo.port()), FrameType.BINARY, "base64",
                messages);
        ws.sendText("YW*j", true).get(5, TimeUnit.SECONDS);
        assertThat(messages.closed.get(10, TimeUnit.SECONDS)).isEqualTo("1007 invalid base64");
    }

    @Test
    void aTextRouteDeliversTheValidTextBeforeClosing1011ForInvalidUtf8() throws Exception {
        rawBackend = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread acceptor = new Thread(() -> {
            try {
                SocketChannel connection = rawBackend.accept();
                rawConnections.add(connection);
                // One write, so the tunnel reads the valid text and the bad byte together; the connection stays
                // open, so the 1011 can only come from the bad byte.
                connection.write(ByteBuffer.wrap(new byte[] {'h', 'e', 'l', 'l', 'o', (byte) 0xFF}));
            } catch (IOException e) {
                // closed by tearDown
            }
        }, "raw-backend");
        acceptor.setDaemon(true);
        acceptor.start();
        Messages messages = new Messages();
        connect(new BackendAddress.Tcp("127.0.0.1", ((InetSocketAddress) rawBackend.getLocalAddress()).getPort()),
                FrameType.TEXT, null, messages);
        assertThat(messages.closed.get(10, TimeUnit.SECONDS)).isEqualTo("1011 backend sent invalid UTF-8");
        assertThat(messages.texts).containsExactly("hello");
    }
}
