package io.sluice.tunnel.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Cases the conformance suite and the property tests found or pinned down, as plain decoder tests. */
class ClientFrameDecoderRegressionTest {

    @Test
    void refusesA64BitLengthWithItsTopBitSetAsSoonAsThatByteArrives() {
        // FIN|BINARY, mask bit + 127, then the first length byte with its top bit: the header can never be valid
        EmbeddedChannel ch = new EmbeddedChannel(new ClientFrameDecoder(0, true));
        assertThatThrownBy(() -> ch.writeInbound(ClientFrames.buffer(new byte[] {(byte) 0x82, (byte) 0xFF,
            (byte) 0x80})))
                .isInstanceOfSatisfying(CorruptedWebSocketFrameException.class,
                        e -> assertThat(e.closeStatus().code()).isEqualTo(1002))
                .hasMessageContaining("most significant bit");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void acceptsExactlyTheCloseCodesAClientMaySend() {
        // every code up to 5100, then a stride to 65535: one decoder per code costs ~0.2 ms here, all 65,536 ~12 s
        ByteBufAllocator untracked = new UnpooledByteBufAllocator(false, true);
        List<String> wrong = new ArrayList<>();
        int[] codes = IntStream.concat(IntStream.rangeClosed(0, 5100),
                IntStream.concat(IntStream.iterate(5197, c -> c < 0xFFFF, c -> c + 97), IntStream.of(0xFFFF))).toArray();
        for (int code : codes) {
            boolean valid = code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014
                    || code >= 3000 && code <= 4999;
            EmbeddedChannel ch = new EmbeddedChannel(new ClientFrameDecoder(0, true));
            ch.config().setAllocator(untracked);
            byte[] close = ClientFrames.frame(ClientFrames.CLOSE, new byte[] {(byte) (code >>> 8), (byte) code});
            String outcome;
            try {
                ch.writeInbound(Unpooled.wrappedBuffer(close));
                CloseWebSocketFrame frame = ch.readInbound();
                outcome = frame.statusCode() == code ? "accepted" : "changed to " + frame.statusCode();
                frame.release();
            } catch (CorruptedWebSocketFrameException e) {
                outcome = "failed " + e.closeStatus().code();
            }
            if (!outcome.equals(valid ? "accepted" : "failed 1002")) {
                wrong.add(code + ": " + outcome);
            }
            ch.finish();
        }
        assertThat(wrong).isEmpty();
    }
}
