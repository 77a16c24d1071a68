package io.sluice.tunnel.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Shrunk samples of {@link HandshakePropertyTest}, kept as plain tests. */
class HandshakeRegressionTest {

    @Test
    void anUpgradeThatAnnouncesAChunkedBodyWaitsForItUntilTheHandshakeTimeoutWithoutTouchingABackend() {
        EmbeddedConnection connection = new EmbeddedConnection(TestConfigs.config(TestConfigs.route("/echo")));
        byte[] head = ("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        connection.read(head, 0, head.length);
        assertThat(connection.written()).as("no answer before the body").isEmpty();
        assertThat(connection.client.isOpen()).isTrue();
        connection.advance((int) Duration.ofSeconds(11).toSeconds()); // handshake-timeout is 10 s in TestConfigs
        assertThat(connection.client.isOpen()).isFalse();
        assertThat(connection.registry.events).isEmpty();
        assertThat(connection.finish()).isEqualTo(List.of());
    }
}
