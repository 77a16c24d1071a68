package io.sluice.tunnel.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Shrunk samples of {@link HandshakePropertyTest}, kept as plain tests. */
class HandshakeRegressionTest {

    /**
     * Found by the property test: an upgrade request announcing a chunked body got no answer until handshake-timeout
     * (the aggregator waited for the body). A handshake is a bodiless GET; it now gets 400 at once
     * ({@link BodilessUpgradeHandler}).
     */
    @Test
    void anUpgradeThatAnnouncesAChunkedBodyGets400AtOnceWithoutTouchingABackend() {
        EmbeddedConnection connection = new EmbeddedConnection(TestConfigs.config(TestConfigs.route("/echo")));
        byte[] head = ("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        connection.read(head, 0, head.length);
        assertThat(new String(connection.written(), StandardCharsets.ISO_8859_1))
                .startsWith("HTTP/1.1 400 Bad Request\r\n").endsWith("Transfer-Encoding is not allowed\n");
        assertThat(connection.client.isOpen()).isFalse();
        assertThat(connection.registry.events).isEmpty();
        assertThat(connection.finish()).isEqualTo(List.of());
    }
}
