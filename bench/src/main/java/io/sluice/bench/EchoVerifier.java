package io.sluice.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;

/**
 * Checks the echoed byte stream of one connection against what {@link MessageSource} sent, byte for byte and
 * incrementally (echo servers may split or merge messages arbitrarily), and counts completed messages.
 * Confined to the connection's event loop.
 */
final class EchoVerifier {
    private final long connId;
    private final int size;
    private final ByteBuf plainBody;
    private final ByteBuffer plainBodyNio;
    private long seq;
    private int offset;
    private long verifiedBytes;

    EchoVerifier(long connId, int size) {
        this.connId = connId;
        this.size = size;
        byte[] body = MessageSource.plainBody(connId, size);
        this.plainBodyNio = ByteBuffer.allocateDirect(body.length).put(body).flip();
        this.plainBody = Unpooled.wrappedBuffer(body);
    }

    /**
     * Verifies {@code length} bytes of {@code in} from {@code index} (reader index untouched).
     *
     * @return how many messages these bytes completed
     * @throws EchoMismatchException at the first byte that differs
     */
    int accept(ByteBuf in, int index, int length) {
        int completed = 0;
        while (length > 0) {
            int n;
            if (offset < MessageSource.HEADER) {
                n = Math.min(MessageSource.HEADER - offset, length);
                long header = MessageSource.header(connId, seq);
                for (int i = 0; i < n; i++) {
                    byte expected = (byte) (header >>> (56 - 8 * (offset + i)));
                    if (in.getByte(index + i) != expected) {
                        throw mismatch(offset + i, expected, in.getByte(index + i));
                    }
                }
            } else {
                n = Math.min(size - offset, length);
                int bodyIndex = offset - MessageSource.HEADER;
                if (!bodyEquals(in, index, bodyIndex, n)) {
                    int i = 0;
                    while (in.getByte(index + i) == plainBody.getByte(bodyIndex + i)) {
                        i++;
                    }
                    throw mismatch(offset + i, plainBody.getByte(bodyIndex + i), in.getByte(index + i));
                }
            }
            offset += n;
            index += n;
            length -= n;
            verifiedBytes += n;
            if (offset == size) {
                offset = 0;
                seq++;
                completed++;
            }
        }
        return completed;
    }

    /** ByteBuffer.mismatch is a vectorized JDK intrinsic, several times faster than a getLong loop. */
    private boolean bodyEquals(ByteBuf in, int index, int bodyIndex, int length) {
        if (in.nioBufferCount() != 1) {
            return ByteBufUtil.equals(in, index, plainBody, bodyIndex, length);
        }
        return in.internalNioBuffer(index, length).mismatch(plainBodyNio.slice(bodyIndex, length)) < 0;
    }

    long verifiedBytes() {
        return verifiedBytes;
    }

    private EchoMismatchException mismatch(int at, byte expected, byte actual) {
        return new EchoMismatchException("connection %d, message %d, byte %d: expected 0x%02x, got 0x%02x"
            .formatted(connId, seq, at, expected & 0xFF, actual & 0xFF));
    }
}
