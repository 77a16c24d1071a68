package io.sluice.tunnel.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Request-smuggling shapes on the upgrade path: a handshake announcing a body is refused with 400 from its head, at
 * once, before the aggregator waits for (or swallows) a body and before any backend is touched.
 */
class BodilessUpgradeHandlerTest {
    private static final String UPGRADE = "GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";

    private static String answer(EmbeddedConnection connection, String request) {
        byte[] bytes = request.getBytes(StandardCharsets.ISO_8859_1);
        connection.read(bytes, 0, bytes.length);
        return new String(connection.written(), StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Transfer-Encoding: chunked\r\n\r\n", "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "Transfer-Encoding: gzip, chunked\r\n\r\n", "transfer-encoding: CHUNKED\r\n\r\n",
            "Content-Length: 5\r\n\r\nhello", "Content-Length: 5\r\n\r\n"})
    void anUpgradeThatAnnouncesABodyGets400AtOnceAndNoBackendIsTouched(String tail) {
        EmbeddedConnection connection = new EmbeddedConnection(TestConfigs.config(TestConfigs.route("/echo")));
        assertThat(answer(connection, UPGRADE + tail)).startsWith("HTTP/1.1 400 Bad Request\r\n")
                .contains("an upgrade request has no body");
        assertThat(connection.client.isOpen()).isFalse();
        assertThat(connection.registry.events).isEmpty();
        assertThat(connection.finish()).isEqualTo(List.of());
    }

    @Test
    void anUpgradeWithContentLength0IsAnOrdinaryHandshakeAndItsFirstFrameReachesTheBackend() {
        EmbeddedConnection connection = new EmbeddedConnection(TestConfigs.config(TestConfigs.route("/echo")));
        // a masked binary frame "hi" right behind the head: it is a frame, never a body
        String frame = new String(new byte[] {(byte) 0x82, (byte) 0x82, 1, 2, 3, 4, 'h' ^ 1, 'i' ^ 2},
                StandardCharsets.ISO_8859_1);
        assertThat(answer(connection, UPGRADE + "Content-Length: 0\r\n\r\n" + frame))
                .startsWith("HTTP/1.1 101 Switching Protocols\r\n");
        assertThat(new String(connection.backendGot(), StandardCharsets.ISO_8859_1)).isEqualTo("hi");
        assertThat(connection.finish()).isEqualTo(List.of());
    }

    @Test
    void aPlainRequestWithABodyIsLeftToTheHttpPhase() {
        EmbeddedConnection connection = new EmbeddedConnection(TestConfigs.config(TestConfigs.route("/echo")));
        String answer = answer(connection, "GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\nab");
        assertThat(answer).startsWith("HTTP/1.1 404 Not Found\r\n"); // no document root: the ordinary 404
        assertThat(connection.finish()).isEqualTo(List.of());
    }
}
