package io.sluice.tunnel.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;

/**
 * {@code framing: lines}, client to backend: each client message becomes one line, its payload then {@code \n}.
 * Payload chunks pass through untouched (no copy); the message's last chunk gets a shared one-byte newline buffer
 * behind it. A message that itself contains {@code \n} would reach the program as two lines, so it is refused with
 * 1007 on text and binary routes alike (bytes before the newline may already be on their way: the session ends
 * either way). A {@code \r} passes as it is. One instance per session, confined to its event loop.
 */
public final class ClientLineEncoder {
    private static final ByteBuf NEWLINE = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(1, 1).writeByte('\n'));

    /**
     * Takes ownership of {@code chunk}, the next piece of one client message (already base64-decoded on a
     * {@code base64} session), and returns the bytes for the backend.
     *
     * @throws NewlineInMessageException (1007) when the chunk contains a newline
     */
    public ByteBuf encode(ByteBuf chunk, boolean endOfMessage) {
        if (chunk.indexOf(chunk.readerIndex(), chunk.writerIndex(), (byte) '\n') >= 0) {
            chunk.release();
            throw new NewlineInMessageException();
        }
        if (!endOfMessage) {
            return chunk;
        }
        if (!chunk.isReadable()) {
            chunk.release();
            return NEWLINE.duplicate();
        }
        CompositeByteBuf line = chunk.alloc().compositeBuffer(2);
        line.addComponent(true, chunk);
        line.addComponent(true, NEWLINE.duplicate());
        return line;
    }
}
