package io.sluice.tunnel.frame;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.ArrayDeque;

/**
 * {@code framing: stream}: each backend read becomes one message through a {@link BackendFramer} (text, binary or
 * base64), kept until the relay takes it. Usually one message waits at a time; more only when reads arrive while the
 * client is not writable (Netty's epoll transport reads what the kernel still holds once the backend closes).
 * Confined to the session's event loop.
 */
public final class StreamMessages implements BackendMessages {
    private final BackendFramer framer;
    private WebSocketFrame first;
    private ArrayDeque<WebSocketFrame> more;
    private InvalidBackendTextException failure;

    public StreamMessages(BackendFramer framer) {
        this.framer = framer;
    }

    @Override
    public void offer(ByteBuf read) {
        if (failure != null) {
            read.release(); // the session is closing for the bytes before these
            return;
        }
        try {
            add(framer.frame(read));
        } catch (InvalidBackendTextException e) {
            add(e.validPrefix());
            failure = e;
        }
    }

    private void add(WebSocketFrame frame) {
        if (frame == null) {
            return;
        }
        if (first == null) {
            first = frame;
            return;
        }
        if (more == null) {
            more = new ArrayDeque<>(4);
        }
        more.add(frame);
    }

    @Override
    public WebSocketFrame next() {
        WebSocketFrame frame = first;
        if (frame != null) {
            first = more == null ? null : more.poll();
            return frame;
        }
        InvalidBackendTextException e = failure;
        if (e != null) {
            failure = null;
            throw new InvalidBackendTextException(e.getMessage(), e.offset(), null);
        }
        return null;
    }

    @Override
    public WebSocketFrame finish() {
        if (first != null) {
            throw new IllegalStateException("finish before every message was taken");
        }
        return framer.finish();
    }

    @Override
    public void release() {
        if (first != null) {
            first.release();
            first = null;
        }
        if (more != null) {
            more.forEach(WebSocketFrame::release);
            more.clear();
        }
        failure = null;
        framer.release();
    }
}
