package io.sluice.tunnel.frame;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/** Frames each backend read as one BINARY frame wrapping the read's buffer as is. Stateless; any thread. */
final class BinaryFramer implements BackendFramer {
    @Override
    public WebSocketFrame frame(ByteBuf bytes) {
        if (!bytes.isReadable()) {
            bytes.release();
            return null;
        }
        return new BinaryWebSocketFrame(bytes);
    }

    @Override
    public WebSocketFrame finish() {
        return null;
    }

    @Override
    public void release() {
        // nothing carried
    }
}
