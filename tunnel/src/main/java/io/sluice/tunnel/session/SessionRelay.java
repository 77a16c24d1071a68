package io.sluice.tunnel.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.tunnel.frame.BackendMessages;
import io.sluice.tunnel.frame.InvalidBackendTextException;
import io.sluice.tunnel.frame.InvalidBase64Exception;
import io.sluice.tunnel.frame.LineTooLongException;
import io.sluice.tunnel.frame.NewlineInMessageException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves bytes between the two channels of one session with demand-driven reads: each side reads again only when
 * the other side is writable (the client also only while its own outbound buffer is below the high water mark,
 * since PINGs make PONGs for it), flushes once per read batch, and drains (then says goodbye) when the session
 * closes. Backend reads become messages that are taken one at a time while the client is writable
 * ({@link BackendMessages}): a read of many short lines goes out as far as the client takes it, the rest when it
 * is writable again, and the backend is read again only once every message of its reads went out.
 *
 * <p>Threading: confined to the session's event loop (both channels share it), so no locks and no volatile.
 */
final class SessionRelay {
    private static final Logger LOG = LoggerFactory.getLogger(SessionRelay.class);
    /** Every session of a route whose program writes long lines would log this: one WARN per 10 s. */
    private static final LogThrottle LINE_TOO_LONG_LOG = new LogThrottle(TimeUnit.SECONDS.toNanos(10));
    /** How often a session whose client is not read looks for a reset of the client's connection. */
    static final Duration PAUSED_CHECK = Duration.ofSeconds(1);

    private final TunnelSession session;
    private final Channel client;
    private final TunnelStats stats;
    private final SessionRecord record;
    private Channel backend;
    private BackendMessages messages;
    /** Messages of earlier backend reads may still wait for the client to become writable. */
    private boolean messagesWaiting;
    private ClientPayloadDecoder decoder = ClientPayloadDecoder.IDENTITY;
    private boolean backendDirty;
    private boolean clientDirty;
    /** The answer to the latest PING of this read batch, held while the client's outbound buffer is full. */
    private PongWebSocketFrame pendingPong;
    private long peakClientPending;
    private long peakBackendPending;
    private boolean released;
    /** A check of a paused client's socket is scheduled ({@link #watchPausedClient}). */
    private boolean pausedCheckScheduled;

    SessionRelay(TunnelSession session, Channel client, TunnelStats stats) {
        this.session = session;
        this.client = client;
        this.stats = stats;
        this.record = session.record();
    }

    void backend(Channel backend) {
        this.backend = backend;
    }

    void start(BackendMessages messages, ClientPayloadDecoder decoder) {
        this.messages = messages;
        this.decoder = decoder;
    }

    private boolean open() {
        return session.state() == SessionState.OPEN;
    }

    /** Client payload (owned): to the backend as it is, or decoded (base64). */
    void fromClient(ByteBuf payload, boolean endOfMessage) {
        if (!open()) {
            payload.release();
            return;
        }
        record.countFromClient(payload.readableBytes(), endOfMessage);
        ByteBuf bytes;
        try {
            bytes = decoder.decode(payload, endOfMessage);
        } catch (InvalidBase64Exception e) {
            LOG.debug("route={} client={} sent invalid base64: {}", session.route(), ClientAddresses.remoteOf(client),
                    e.getMessage());
            session.close(CloseReason.CLIENT_NOT_BASE64);
            return;
        } catch (NewlineInMessageException e) {
            LOG.debug("route={} client={}: {}", session.route(), ClientAddresses.remoteOf(client), e.getMessage());
            session.close(CloseReason.CLIENT_NEWLINE);
            return;
        }
        if (bytes == null) {
            return;
        }
        if (!bytes.isReadable()) {
            bytes.release();
            return;
        }
        backend.write(bytes, backend.voidPromise());
        backendDirty = true;
    }

    /**
     * A PING (its payload owned): answered at once, in order, while the client's outbound buffer is below the high
     * water mark (what Autobahn's strict cases expect). Above it, only the latest PING is kept and answered when the
     * read batch ends (RFC 6455 §5.5.3 allows answering just the most recent one), so a flood of PINGs from a client
     * that never reads queues at most the high mark plus one PONG; the client is not read again until it drains.
     */
    void pingReceived(ByteBuf payload) {
        if (pendingPong == null && open() && client.isWritable()) {
            client.write(new PongWebSocketFrame(payload), client.voidPromise());
            clientDirty = true;
            return;
        }
        if (pendingPong != null) {
            pendingPong.release();
        }
        pendingPong = new PongWebSocketFrame(payload);
    }

    /** Writes the PONG owed for this batch, if any; also called before a CLOSE so the PONG goes first. */
    void sendPendingPong() {
        PongWebSocketFrame pong = pendingPong;
        if (pong == null) {
            return;
        }
        pendingPong = null;
        if (!open()) {
            pong.release();
            return;
        }
        client.write(pong, client.voidPromise());
        clientDirty = true;
    }

    void clientReadComplete() {
        sendPendingPong();
        flushBackend();
        flushClient();
        if (open()) {
            readClientIfBothWritable();
        } else if (session.state() == SessionState.CLOSING && client.isActive()) {
            client.read(); // keep reading for the client's CLOSE reply or EOF; data is discarded
        }
    }

    void backendWritabilityChanged() {
        if (open()) {
            readClientIfBothWritable();
        }
    }

    /**
     * The client is read only while both of its outputs have room: the backend (its payload) and the client itself
     * (PONGs, and the CLOSE reply). A client that never reads is then no longer read once its PONGs fill the water
     * mark, so it costs at most the high mark plus one read, whatever frames it sends.
     */
    private void readClientIfBothWritable() {
        if (backend.isWritable() && client.isWritable()) {
            client.read();
        } else {
            watchPausedClient();
        }
    }

    /**
     * While the client is not read, the kernel's news of a reset stays unread too (an edge-triggered EPOLLERR that
     * Netty drops while reads are paused), and without PINGs nothing else would find it: the session and its backend
     * connection would be kept until the backend drains, forever for one that never reads. So a paused session
     * looks at the client socket's pending error once a {@link #PAUSED_CHECK}, without reading; one check is
     * scheduled at a time, and it stops by itself once reading resumes or the session ends.
     */
    private void watchPausedClient() {
        if (pausedCheckScheduled || !ClientSocketError.canCheck(client)) {
            return;
        }
        pausedCheckScheduled = true;
        client.eventLoop().schedule(this::checkPausedClient, PAUSED_CHECK.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void checkPausedClient() {
        pausedCheckScheduled = false;
        if (!open() || !client.isActive() || backend.isWritable() && client.isWritable()) {
            return;
        }
        String error = ClientSocketError.pending(client);
        if (error != null) {
            LOG.debug("session {}: client socket failed while not read ({}); closing it", session.id(), error);
            client.close();
            return;
        }
        watchPausedClient();
    }

    /** Backend bytes (owned): made into messages for the client, sent as far as the client is writable. */
    void fromBackend(ByteBuf bytes) {
        if (!open()) {
            bytes.release(); // closing: the client already has (or is getting) its CLOSE
            return;
        }
        record.countToClient(bytes.readableBytes());
        messages.offer(bytes);
        sendBackendMessages();
    }

    /**
     * Writes the backend's waiting messages while the client is writable; a failure of the output (not UTF-8, a line
     * too long) closes the session after the valid messages before it.
     */
    private void sendBackendMessages() {
        try {
            while (client.isWritable()) {
                WebSocketFrame frame = messages.next();
                if (frame == null) {
                    messagesWaiting = false;
                    return;
                }
                client.write(frame, client.voidPromise());
                record.countMessageToClient();
                clientDirty = true;
            }
            messagesWaiting = true;
        } catch (InvalidBackendTextException | LineTooLongException e) {
            messagesWaiting = false;
            backendOutputRefused(e);
        }
    }

    private void backendOutputRefused(RuntimeException e) {
        if (e instanceof LineTooLongException tooLong) {
            warnLineTooLong(tooLong);
            session.close(CloseReason.LINE_TOO_LONG);
        } else {
            warnNotUtf8((InvalidBackendTextException) e);
            session.close(CloseReason.BACKEND_NOT_UTF8);
        }
    }

    void backendReadComplete() {
        flushClient();
        if (open()) {
            if (!messagesWaiting && client.isWritable()) {
                backend.read();
            }
        } else if (session.state() == SessionState.CLOSING && backend.isActive()) {
            backend.read(); // drain until the backend's EOF so it never blocks writing to us
        }
    }

    void clientWritabilityChanged() {
        if (open() && client.isWritable()) {
            if (messagesWaiting) {
                sendBackendMessages();
                flushClient();
            }
            if (open() && !messagesWaiting) {
                backend.read();
            }
            if (open()) {
                readClientIfBothWritable();
            }
        }
    }

    /**
     * Sends the client its CLOSE with {@code text} as its reason after everything already queued for it; returns the
     * code really sent (a text route whose backend ended inside a UTF-8 sequence gets 1011 instead of 1000).
     */
    int sayGoodbyeToClient(CloseReason reason, int code, String text, Duration linger) {
        flushBackend();
        if (code < 0 || !client.isActive()) {
            return code;
        }
        CloseReason refused = sendEveryBackendMessage(reason == CloseReason.BACKEND_EOF);
        if (refused != null && reason == CloseReason.BACKEND_EOF) {
            code = refused.code();
            text = refused.text();
        }
        recordClientPending();
        boolean clientInitiated = reason == CloseReason.CLIENT_CLOSE;
        client.writeAndFlush(new CloseWebSocketFrame(code, text)).addListener((ChannelFutureListener) f -> {
            if (clientInitiated || !f.isSuccess()) {
                client.close(); // the close handshake is complete: the server closes TCP first (RFC 6455 7.1.1)
            } else {
                closeAfter(client, linger);
                client.read();
            }
        });
        clientDirty = false;
        return code;
    }

    /**
     * Before the CLOSE: every message still waiting, whatever the client's writability (at most what the last reads
     * held), and at the backend's end what its framing held back (a last line without newline). Returns the reason
     * that replaces a clean end when that output is refused, else null.
     */
    private CloseReason sendEveryBackendMessage(boolean backendEnded) {
        if (messages == null) {
            return null;
        }
        try {
            for (WebSocketFrame frame; (frame = messages.next()) != null; ) {
                client.write(frame, client.voidPromise());
            }
            WebSocketFrame tail = backendEnded ? messages.finish() : null;
            if (tail != null) {
                client.write(tail, client.voidPromise());
            }
            return null;
        } catch (LineTooLongException e) {
            warnLineTooLong(e);
            return CloseReason.LINE_TOO_LONG;
        } catch (InvalidBackendTextException e) {
            warnNotUtf8(e);
            return CloseReason.BACKEND_NOT_UTF8;
        } finally {
            messagesWaiting = false;
        }
    }

    /** The client's CLOSE reply to ours arrived: the handshake is complete. */
    void closeReplyReceived() {
        client.close();
    }

    /** Closes the backend, or shuts its output after every pending byte and waits (bounded) for its EOF. */
    void releaseBackend(CloseReason.Backend mode, Duration linger) {
        if (!backend.isActive()) {
            return;
        }
        if (mode == CloseReason.Backend.CLOSE || !BackendEof.possible(backend)) {
            backend.close();
            return;
        }
        // The empty write completes only after every earlier write did: EOF comes after all client bytes.
        backend.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                backend.close();
                return;
            }
            BackendEof.send(backend);
            closeAfter(backend, linger);
            backend.read();
        });
    }

    /**
     * Closes {@code channel} after {@code linger} unless its peer ends it first; the timer goes with the channel, so
     * a loop's timer queue holds only sessions still waiting (at session churn, timers left to fire made every
     * timer operation of the loop slower).
     */
    private static void closeAfter(Channel channel, Duration linger) {
        ScheduledFuture<?> timer = channel.eventLoop().schedule(() -> channel.close(), linger.toMillis(),
                TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(f -> timer.cancel(false));
    }

    /** Releases carried bytes once, when the session is CLOSED. */
    void release() {
        if (released) {
            return;
        }
        released = true;
        if (pendingPong != null) {
            pendingPong.release();
            pendingPong = null;
        }
        if (messages != null) {
            messages.release();
        }
        decoder.release();
    }

    private void flushBackend() {
        if (backendDirty) {
            backendDirty = false;
            long pending = pendingBytes(backend);
            if (pending > peakBackendPending) {
                peakBackendPending = pending;
                stats.backendPending(pending);
            }
            backend.flush();
        }
    }

    private void flushClient() {
        if (clientDirty) {
            clientDirty = false;
            recordClientPending();
            client.flush();
        }
    }

    private void recordClientPending() {
        long pending = pendingBytes(client);
        if (pending > peakClientPending) {
            peakClientPending = pending;
            stats.clientPending(pending);
        }
    }

    private static long pendingBytes(Channel channel) {
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }

    private void warnNotUtf8(InvalidBackendTextException e) {
        LOG.warn("route={} backend={} sent bytes that are not UTF-8 on a text route ({}); closing with 1011. "
                + "If this backend sends binary data, set 'frame-type: binary' for route {}",
                session.route(), backend.remoteAddress(), e.getMessage(), session.route());
    }

    private void warnLineTooLong(LineTooLongException e) {
        LINE_TOO_LONG_LOG.warn(LOG, "route={} backend={} wrote a line longer than max-line-length ({} bytes); "
                + "closing with 1009. Raise max-line-length for route {} if its lines are that long",
                session.route(), backend.remoteAddress(), e.maxLineLength(), session.route());
    }

    static void release(Object msg) {
        ReferenceCountUtil.release(msg);
    }
}
