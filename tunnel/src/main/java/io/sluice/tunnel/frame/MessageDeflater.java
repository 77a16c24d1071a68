package io.sluice.tunnel.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.zip.Deflater;

/**
 * Compresses the messages one session sends (RFC 7692 §7.2.1): each frame's payload through one raw DEFLATE stream
 * with a sync flush, and at the end of a message the flush's {@code 00 00 FF FF} removed. With
 * {@code server_no_context_takeover} the stream starts afresh for each message. zlib's state (about 256 KiB: a
 * 15-bit window at memory level 8, which {@link Deflater} does not let us shrink) is allocated at the first message.
 * Confined to the session's event loop; {@link #end()} frees it.
 */
final class MessageDeflater {
    private static final ByteBuffer NONE = ByteBuffer.allocate(0);

    private final int level;
    private final boolean resetAfterMessage;
    private Deflater deflater;

    MessageDeflater(int level, boolean resetAfterMessage) {
        this.level = level;
        this.resetAfterMessage = resetAfterMessage;
    }

    /** The compressed form of {@code payload} (not consumed); {@code endOfMessage} drops the flush tail. */
    ByteBuf deflate(ByteBufAllocator alloc, ByteBuf payload, boolean endOfMessage) {
        if (deflater == null) {
            deflater = new Deflater(level, true);
        }
        int length = payload.readableBytes();
        // zlib's deflateBound for a stored worst case, plus a sync flush's empty block.
        ByteBuf out = alloc.buffer(length + (length >> 12) + (length >> 14) + 32);
        try {
            deflater.setInput(payload.nioBuffer());
            while (true) {
                int room = out.writableBytes();
                int n = deflater.deflate(out.nioBuffer(out.writerIndex(), room), Deflater.SYNC_FLUSH);
                out.writerIndex(out.writerIndex() + n);
                if (n < room) {
                    break; // a sync flush that did not fill the room is complete (Deflater#deflate)
                }
                out.ensureWritable(Math.max(64, room));
            }
            deflater.setInput(NONE);
            if (endOfMessage) {
                dropFlushTail(out);
                if (resetAfterMessage) {
                    deflater.reset();
                }
            }
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    private static void dropFlushTail(ByteBuf out) {
        if (!out.isReadable()) {
            // zlib writes nothing for a flush right after a flush: an empty message is one empty stored block's
            // first byte (RFC 7692 §7.2.3.6), which the receiver's appended tail completes.
            out.writeByte(0);
            return;
        }
        int end = out.writerIndex();
        if (out.readableBytes() < 4 || out.getInt(end - 4) != 0x0000FFFF) {
            throw new IllegalStateException("a sync flush did not end with 00 00 FF FF");
        }
        out.writerIndex(end - 4);
    }

    /** Frees zlib's memory; idempotent. */
    void end() {
        if (deflater != null) {
            deflater.end();
            deflater = null;
        }
    }
}
