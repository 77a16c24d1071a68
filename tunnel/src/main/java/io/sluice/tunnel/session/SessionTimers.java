package io.sluice.tunnel.session;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The keep-alive clocks of one open session: a PING every {@code ping-interval} (exact, not "after idle"), CLOSE 1001
 * when no PONG came for {@code pong-timeout}, counted from the last PONG or, before the first, from the open (so a
 * silent client goes after {@code pong-timeout}, having been pinged at least once as the config demands a longer
 * timeout than interval), and CLOSE 1001 after {@code max-read-idle} without a client frame. Zero disables each; the
 * pong check runs only while pings do. Confined to the session's event loop; time is the loop's ticker, so tests can
 * drive it with {@code EmbeddedChannel.advanceTimeBy}.
 */
final class SessionTimers {
    static final byte[] PING_PAYLOAD = "sluice".getBytes(StandardCharsets.US_ASCII);

    private final TunnelSession session;
    private final Channel client;
    private final long pingNanos;
    private final long pongTimeoutNanos;
    private final long readIdleNanos;
    private ScheduledFuture<?> ping;
    private ScheduledFuture<?> pongCheck;
    private ScheduledFuture<?> idleCheck;
    private long lastPong;
    private long lastClientFrame;
    private boolean cancelled;

    SessionTimers(TunnelSession session, Channel client, SessionSettings settings) {
        this.session = session;
        this.client = client;
        this.pingNanos = settings.pingInterval().toNanos();
        this.pongTimeoutNanos = settings.pongTimeout().toNanos();
        this.readIdleNanos = settings.maxReadIdle().toNanos();
    }

    void start() {
        lastClientFrame = now();
        lastPong = lastClientFrame;
        if (pingNanos > 0) {
            ping = client.eventLoop().scheduleAtFixedRate(this::sendPing, pingNanos, pingNanos, TimeUnit.NANOSECONDS);
            if (pongTimeoutNanos > 0) {
                pongCheck = client.eventLoop().schedule(this::checkPong, pongTimeoutNanos, TimeUnit.NANOSECONDS);
            }
        }
        if (readIdleNanos > 0) {
            idleCheck = client.eventLoop().schedule(this::checkIdle, readIdleNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Any frame (or part of one) from the client. */
    void clientFrameSeen() {
        lastClientFrame = now();
    }

    void pongSeen() {
        lastPong = now();
    }

    void cancel() {
        cancelled = true;
        cancel(ping);
        cancel(pongCheck);
        cancel(idleCheck);
    }

    private void sendPing() {
        if (cancelled) {
            return;
        }
        client.writeAndFlush(new PingWebSocketFrame(Unpooled.wrappedBuffer(PING_PAYLOAD)), client.voidPromise());
    }

    private void checkPong() {
        if (cancelled) {
            return;
        }
        long waited = now() - lastPong;
        if (waited >= pongTimeoutNanos) {
            session.close(CloseReason.PONG_TIMEOUT);
        } else {
            pongCheck = client.eventLoop().schedule(this::checkPong, pongTimeoutNanos - waited, TimeUnit.NANOSECONDS);
        }
    }

    private void checkIdle() {
        if (cancelled) {
            return;
        }
        long quiet = now() - lastClientFrame;
        if (quiet >= readIdleNanos) {
            session.close(CloseReason.READ_IDLE);
        } else {
            idleCheck = client.eventLoop().schedule(this::checkIdle, readIdleNanos - quiet, TimeUnit.NANOSECONDS);
        }
    }

    private long now() {
        return client.eventLoop().ticker().nanoTime();
    }

    private static void cancel(ScheduledFuture<?> future) {
        if (future != null) {
            future.cancel(false);
        }
    }
}
