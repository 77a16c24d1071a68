package io.sluice.tunnel.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.sluice.tunnel.frame.BackendMessages;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pong clock on hand-driven time: {@code pong-timeout} counts from the last pong, or from the open. */
class SessionTimersTest {
    private static final Framing UNUSED = new Framing() {
        @Override
        public BackendMessages backendMessages(WireFormat format) {
            throw new AssertionError("no relay in this test");
        }

        @Override
        public ClientPayloadDecoder clientDecoder(WireFormat format) {
            throw new AssertionError("no relay in this test");
        }
    };

    private final EmbeddedChannel client = new EmbeddedChannel();
    private SessionTimers timers;
    private int pings;

    private void start(Duration ping, Duration pong) {
        client.freezeTime();
        SessionSettings settings = new SessionSettings(ping, pong, Duration.ZERO, Duration.ofSeconds(5),
                Duration.ofSeconds(2));
        TunnelSession session = new TunnelSession(client, "/r", WireFormat.BINARY, settings,
                (ch, lease, handler) -> {
                    throw new AssertionError("no connect in this test");
                }, UNUSED, new TunnelStats());
        timers = new SessionTimers(session, client, settings);
        timers.start();
    }

    /** Advances the clock and returns whether the client channel is still open; counts the pings sent. */
    private boolean openAfter(int seconds) {
        client.advanceTimeBy(seconds, TimeUnit.SECONDS);
        client.runScheduledPendingTasks();
        client.runPendingTasks();
        for (Object msg; (msg = client.readOutbound()) != null; ) {
            if (msg instanceof PingWebSocketFrame) {
                pings++;
            }
            ReferenceCountUtil.release(msg);
        }
        return client.isOpen();
    }

    @AfterEach
    void tearDown() {
        timers.cancel();
        client.finishAndReleaseAll();
    }

    @Test
    void closesASilentClientPongTimeoutAfterTheOpenNotAfterPingIntervalPlusPongTimeout() {
        start(Duration.ofSeconds(30), Duration.ofSeconds(60));
        assertThat(openAfter(59)).isTrue();
        assertThat(pings).isEqualTo(1);
        assertThat(openAfter(1)).isFalse();
    }

    @Test
    void countsFromTheLastPong() {
        start(Duration.ofSeconds(30), Duration.ofSeconds(60));
        assertThat(openAfter(45)).isTrue();
        timers.pongSeen();
        assertThat(openAfter(59)).isTrue(); // 104 s: 59 s since the pong
        assertThat(openAfter(1)).isFalse();
        assertThat(pings).isEqualTo(3);
    }

    @Test
    void neverClosesWhilePingsAreOff() {
        start(Duration.ZERO, Duration.ofSeconds(60));
        assertThat(openAfter(3600)).isTrue();
        assertThat(pings).isZero();
    }
}
