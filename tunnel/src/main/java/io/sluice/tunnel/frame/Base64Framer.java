package io.sluice.tunnel.frame;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.ByteBuffer;
import java.util.Base64;

/**
 * Frames backend bytes as TEXT frames of standard base64 for the {@code base64} subprotocol (websockify's; lighttpd
 * only echoed the header, B7). Each read becomes one frame of complete, padded base64, as websockify sends it: a
 * reply is never held back waiting for a multiple of 3 bytes (that deadlocked request/response protocols), and every
 * frame decodes by itself. Stateless; any thread.
 */
final class Base64Framer implements BackendFramer {
    private static final Base64.Encoder ENCODER = Base64.getEncoder();

    @Override
    public WebSocketFrame frame(ByteBuf bytes) {
        try {
            int length = bytes.readableBytes();
            if (length == 0) {
                return null;
            }
            int encoded = (length + 2) / 3 * 4;
            ByteBuf out = bytes.alloc().buffer(encoded, encoded);
            // The JDK encoder is an intrinsic: measured 4.4 GB/s including its copy of a direct input to the heap and
            // ours of the result into the direct frame buffer, against 1 GB/s for a byte loop over the ByteBuffers.
            int index = bytes.readerIndex();
            ByteBuffer in = bytes.nioBufferCount() == 1
                    ? bytes.internalNioBuffer(index, length) : bytes.nioBuffer(index, length);
            out.writeBytes(ENCODER.encode(in));
            return new TextWebSocketFrame(out);
        } finally {
            bytes.release();
        }
    }

    @Override
    public WebSocketFrame finish() {
        return null; // nothing is carried
    }

    @Override
    public void release() {
        // nothing is carried
    }
}
