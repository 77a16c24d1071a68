package io.sluice.tunnel.frame;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * The decoder streams a frame far larger than any buffer: lighttpd's parser forwards partial frames (§7.4) and Sluice
 * must not regress to reassembly, so a 100 MiB frame is fed in 64 KiB reads and every read must come out at once.
 */
class ClientFrameDecoderStreamingTest {
    private static final int READ = 64 * 1024;
    private static final long FRAME = 100L * 1024 * 1024;

    @Test
    void streamsA100MibFrameReadByReadHoldingNothingBetweenReads() {
        ClientFrameDecoder decoder = new ClientFrameDecoder(0, true);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        byte[] plain = ClientFrames.random(READ, 42);
        // the mask cycle is 4 bytes and READ is a multiple of 4, so every read carries the same masked block
        byte[] masked = new byte[READ];
        for (int i = 0; i < READ; i++) {
            masked[i] = (byte) (plain[i] ^ ClientFrames.MASK_KEY >>> (24 - 8 * (i & 3)));
        }
        CRC32 expected = new CRC32();
        CRC32 actual = new CRC32();
        long emitted = 0;
        int chunks = 0;
        boolean ended = false;

        ch.writeInbound(ClientFrames.buffer(header()));
        assertThat((Object) ch.readInbound()).as("a header alone emits nothing").isNull();
        assertThat(decoder.bufferedBytes()).isZero();
        for (long fed = 0; fed < FRAME; fed += READ) {
            expected.update(plain);
            ByteBuf read = ByteBufAllocator.DEFAULT.directBuffer(READ).writeBytes(masked);
            ch.writeInbound(read);
            long emittedThisRead = 0;
            for (ClientDataChunk chunk; (chunk = ch.readInbound()) != null; chunk.release()) {
                ByteBuf content = chunk.content();
                actual.update(content.nioBuffer());
                emittedThisRead += content.readableBytes();
                chunks++;
                ended = chunk.endOfMessage();
            }
            assertThat(emittedThisRead).as("bytes out of read at %d", fed).isEqualTo(READ);
            assertThat(decoder.bufferedBytes()).isZero();
            assertThat(read.refCnt()).as("the read buffer is released with its chunk").isZero();
            emitted += emittedThisRead;
        }
        assertThat(emitted).isEqualTo(FRAME);
        assertThat(chunks).isEqualTo((int) (FRAME / READ));
        assertThat(ended).isTrue();
        assertThat(actual.getValue()).isEqualTo(expected.getValue());
        assertThat(ch.finish()).isFalse();
    }

    private static byte[] header() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x82);
        ClientFrames.writeLength(out, true, FRAME);
        for (int shift = 24; shift >= 0; shift -= 8) {
            out.write(ClientFrames.MASK_KEY >>> shift);
        }
        return out.toByteArray();
    }
}
