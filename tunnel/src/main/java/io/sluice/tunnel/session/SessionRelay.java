package io.sluice.tunnel.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.sluice.tunnel.frame.BackendFramer;
import io.sluice.tunnel.frame.InvalidBackendTextException;
import io.sluice.tunnel.frame.InvalidBase64Exception;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves bytes between the two channels of one session with demand-driven reads: each side reads again only when
 * the other side is writable (the client also only while its own outbound buffer is below the high water mark,
 * since PINGs make PONGs for it), flushes once per read batch, and drains (then says goodbye) when the session
 * closes.
 *
 * <p>Threading: confined to the session's event loop (both channels share it), so no locks and no volatile.
 */
final class SessionRelay {
    private static final Logger LOG = LoggerFactory.getLogger(SessionRelay.class);

    private final TunnelSession session;
    private final Channel client;
    private final TunnelStats stats;
    private final SessionRecord record;
    private Channel backend;
    private BackendFramer framer;
    private ClientPayloadDecoder decoder = ClientPayloadDecoder.IDENTITY;
    private boolean backendDirty;
    private boolean clientDirty;
    /** The answer to the latest PING of this read batch, held while the client's outbound buffer is full. */
    private PongWebSocketFrame pendingPong;
    private long peakClientPending;
    private long peakBackendPending;
    private boolean released;

    SessionRelay(TunnelSession session, Channel client, TunnelStats stats) {
        this.session = session;
        this.client = client;
        this.stats = stats;
        this.record = session.record();
    }

    void backend(Channel backend) {
        this.backend = backend;
    }

    void start(BackendFramer framer, ClientPayloadDecoder decoder) {
        this.framer = framer;
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
            LOG.debug("route={} client={} sent invalid base64: {}", session.route(), client.remoteAddress(),
                    e.getMessage());
            session.close(CloseReason.CLIENT_NOT_BASE64);
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
        }
    }

    /** Backend bytes (owned): framed for the client. */
    void fromBackend(ByteBuf bytes) {
        if (!open()) {
            bytes.release(); // closing: the client already has (or is getting) its CLOSE
            return;
        }
        record.countToClient(bytes.readableBytes());
        WebSocketFrame frame;
        try {
            frame = framer.frame(bytes);
        } catch (InvalidBackendTextException e) {
            WebSocketFrame validPrefix = e.validPrefix();
            if (validPrefix != null) {
                client.write(validPrefix, client.voidPromise()); // the CLOSE follows it
                clientDirty = true;
            }
            warnNotUtf8(e);
            session.close(CloseReason.BACKEND_NOT_UTF8);
            return;
        }
        if (frame != null) {
            client.write(frame, client.voidPromise());
            clientDirty = true;
        }
    }

    void backendReadComplete() {
        flushClient();
        if (open()) {
            if (client.isWritable()) {
                backend.read();
            }
        } else if (session.state() == SessionState.CLOSING && backend.isActive()) {
            backend.read(); // drain until the backend's EOF so it never blocks writing to us
        }
    }

    void clientWritabilityChanged() {
        if (open() && client.isWritable()) {
            backend.read();
            readClientIfBothWritable();
        }
    }

    /**
     * Sends the client its CLOSE after everything already queued for it; returns the code really sent (a text
     * route whose backend ended inside a UTF-8 sequence gets 1011 instead of 1000).
     */
    int sayGoodbyeToClient(CloseReason reason, int code, Duration linger) {
        flushBackend();
        if (code < 0 || !client.isActive()) {
            return code;
        }
        String text = reason.text();
        if (reason == CloseReason.BACKEND_EOF) {
            try {
                WebSocketFrame tail = framer.finish();
                if (tail != null) {
                    client.write(tail, client.voidPromise());
                }
            } catch (InvalidBackendTextException e) {
                warnNotUtf8(e);
                code = CloseReason.BACKEND_NOT_UTF8.code();
                text = CloseReason.BACKEND_NOT_UTF8.text();
            }
        }
        recordClientPending();
        boolean clientInitiated = reason == CloseReason.CLIENT_CLOSE;
        client.writeAndFlush(new CloseWebSocketFrame(code, text)).addListener((ChannelFutureListener) f -> {
            if (clientInitiated || !f.isSuccess()) {
                client.close(); // the close handshake is complete: the server closes TCP first (RFC 6455 7.1.1)
            } else {
                client.eventLoop().schedule(() -> client.close(), linger.toMillis(), TimeUnit.MILLISECONDS);
                client.read();
            }
        });
        clientDirty = false;
        return code;
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
        if (mode == CloseReason.Backend.CLOSE || !(backend instanceof DuplexChannel duplex)) {
            backend.close();
            return;
        }
        // The empty write completes only after every earlier write did: EOF comes after all client bytes.
        backend.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                backend.close();
                return;
            }
            duplex.shutdownOutput();
            backend.eventLoop().schedule(() -> backend.close(), linger.toMillis(), TimeUnit.MILLISECONDS);
            backend.read();
        });
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
        if (framer != null) {
            framer.release();
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

    static void release(Object msg) {
        ReferenceCountUtil.release(msg);
    }
}
