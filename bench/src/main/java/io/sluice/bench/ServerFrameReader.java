package io.sluice.bench;

import io.netty.buffer.ByteBuf;

/**
 * Parses server-to-client RFC 6455 frames as they stream in, without buffering data payloads: data bytes go to the
 * sink as slices of the read buffer; control payloads (at most 125 bytes) are gathered whole.
 * Confined to the connection's event loop.
 */
final class ServerFrameReader {

    /** Receives what the frames carry. */
    interface Sink {
        void data(ByteBuf in, int index, int length);

        void ping(byte[] payload);

        void closeFrame(int code);
    }

    private final Sink sink;
    private final byte[] head = new byte[10];
    private int headLength;
    private int headNeeded = 2;
    private boolean inPayload;
    private int opcode;
    private long remaining;
    private byte[] control;
    private int controlLength;

    ServerFrameReader(Sink sink) {
        this.sink = sink;
    }

    /** Consumes every readable byte of {@code in} (the reader index is left for the caller to move). */
    void read(ByteBuf in) {
        int index = in.readerIndex();
        int end = in.writerIndex();
        while (index < end) {
            if (!inPayload) {
                while (index < end && headLength < headNeeded) {
                    head[headLength++] = in.getByte(index++);
                    if (headLength == 2) {
                        headNeeded = startHeader();
                    }
                }
                if (headLength == headNeeded) {
                    finishHeader();
                }
                continue;
            }
            int n = (int) Math.min(remaining, end - index);
            if (opcode >= 0x8) {
                in.getBytes(index, control, controlLength, n);
                controlLength += n;
            } else {
                sink.data(in, index, n);
            }
            index += n;
            remaining -= n;
            if (remaining == 0) {
                endFrame();
            }
        }
    }

    private int startHeader() {
        if ((head[0] & 0x70) != 0) {
            throw new EchoMismatchException("server frame has RSV bits set: 0x%02x".formatted(head[0] & 0xFF));
        }
        if ((head[1] & 0x80) != 0) {
            throw new EchoMismatchException("server frame is masked (RFC 6455 5.1 forbids it)");
        }
        int len7 = head[1] & 0x7F;
        return len7 == 126 ? 4 : len7 == 127 ? 10 : 2;
    }

    private void finishHeader() {
        opcode = head[0] & 0x0F;
        int len7 = head[1] & 0x7F;
        if (len7 == 126) {
            remaining = ((head[2] & 0xFF) << 8) | (head[3] & 0xFF);
        } else if (len7 == 127) {
            remaining = 0;
            for (int i = 2; i < 10; i++) {
                remaining = (remaining << 8) | (head[i] & 0xFF);
            }
        } else {
            remaining = len7;
        }
        if (opcode > 0x2 && opcode < 0x8 || opcode > 0xA) {
            throw new EchoMismatchException("server frame has reserved opcode 0x%x".formatted(opcode));
        }
        if (opcode >= 0x8) {
            if (remaining > 125) {
                throw new EchoMismatchException("server control frame of %d bytes".formatted(remaining));
            }
            control = new byte[(int) remaining];
            controlLength = 0;
        }
        headLength = 0;
        headNeeded = 2;
        inPayload = true;
        if (remaining == 0) {
            endFrame();
        }
    }

    private void endFrame() {
        inPayload = false;
        if (opcode == 0x9) {
            sink.ping(control);
        } else if (opcode == 0x8) {
            sink.closeFrame(control.length >= 2 ? ((control[0] & 0xFF) << 8) | (control[1] & 0xFF) : 1005);
        }
        control = null;
    }
}
