package io.sluice.tunnel.server;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.sluice.tunnel.frame.BackendFramer;
import io.sluice.tunnel.session.ClientPayloadDecoder;
import io.sluice.tunnel.session.Framing;
import io.sluice.tunnel.session.WireFormat;

/**
 * Connects sessions to the framers of the {@code frame} package. Stateless singleton.
 */
enum FrameFraming implements Framing {
    INSTANCE;

    @Override
    public BackendFramer backendFramer(WireFormat format) {
        return new BackendFramer() {
            @Override
            public WebSocketFrame frame(ByteBuf bytes) {
                return format == WireFormat.BINARY ? new BinaryWebSocketFrame(bytes) : new TextWebSocketFrame(bytes);
            }

            @Override
            public WebSocketFrame finish() {
                return null;
            }

            @Override
            public void release() {
            }
        };
    }

    @Override
    public ClientPayloadDecoder clientDecoder(WireFormat format) {
        return ClientPayloadDecoder.IDENTITY;
    }
}
