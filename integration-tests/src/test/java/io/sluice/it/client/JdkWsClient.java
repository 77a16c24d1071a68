package io.sluice.it.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A test client on the JDK's {@code java.net.http.WebSocket}. Demand is unbounded unless {@link #pause()} was called,
 * which lets a test be a slow reader: the JDK client stops reading the socket while no message is requested.
 */
public final class JdkWsClient implements WsClient, WebSocket.Listener {
    /** One client for all sockets: a HttpClient per socket would start a thread pool per socket. */
    private static final HttpClient SHARED = HttpClient.newHttpClient();

    private final Received received;
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final AtomicBoolean paused = new AtomicBoolean();
    private final StringBuilder textPart = new StringBuilder();
    private volatile WebSocket socket;
    private volatile String subprotocol;

    private JdkWsClient(boolean keepBytes) {
        this.received = new Received(keepBytes);
    }

    public static JdkWsClient connect(URI uri, String... subprotocols) throws Exception {
        return connect(uri, false, subprotocols);
    }

    public static JdkWsClient connect(URI uri, boolean keepBytes, String... subprotocols) throws Exception {
        return connect(SHARED, uri, keepBytes, subprotocols);
    }

    /** Through {@code http}, e.g. one with an SSLContext for wss. */
    public static JdkWsClient connect(HttpClient http, URI uri, boolean keepBytes, String... subprotocols)
            throws Exception {
        JdkWsClient client = new JdkWsClient(keepBytes);
        WebSocket.Builder builder = http.newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(10));
        if (subprotocols.length > 0) {
            builder.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        client.socket = builder.buildAsync(uri, client).get(20, TimeUnit.SECONDS);
        client.subprotocol = client.socket.getSubprotocol();
        return client;
    }

    public String subprotocol() {
        return subprotocol;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        received.add(bytes, 0, bytes.length, false, last);
        requestMore(webSocket);
        return null;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        // The JDK may split a message between surrogate halves; encode only whole code points.
        textPart.append(data);
        int keep = textPart.length() > 0 && Character.isHighSurrogate(textPart.charAt(textPart.length() - 1)) ? 1 : 0;
        String whole = textPart.substring(0, textPart.length() - keep);
        textPart.delete(0, textPart.length() - keep);
        byte[] bytes = whole.getBytes(StandardCharsets.UTF_8);
        received.add(bytes, 0, bytes.length, true, last);
        requestMore(webSocket);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeCode.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closeCode.complete(1006);
    }

    private void requestMore(WebSocket webSocket) {
        if (!paused.get()) {
            webSocket.request(1);
        }
    }

    /** Stops requesting messages: the JDK client then stops reading, and the server must hold back. */
    public void pause() {
        paused.set(true);
    }

    /** Requests messages again. */
    public void resume() {
        paused.set(false);
        socket.request(1);
    }

    @Override
    public void sendBinary(byte[] data) throws Exception {
        socket.sendBinary(ByteBuffer.wrap(data), true).get(60, TimeUnit.SECONDS);
    }

    @Override
    public void sendText(String text) throws Exception {
        socket.sendText(CharBuffer.wrap(text), true).get(60, TimeUnit.SECONDS);
    }

    @Override
    public Received received() {
        return received;
    }

    @Override
    public CompletableFuture<Integer> closeCode() {
        return closeCode;
    }

    @Override
    public void close(int code) throws Exception {
        socket.sendClose(code, "").get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        socket.abort();
    }
}
