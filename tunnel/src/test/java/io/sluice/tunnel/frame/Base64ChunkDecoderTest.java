package io.sluice.tunnel.frame;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.io.ByteArrayOutputStream;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Base64ChunkDecoderTest {
    private final Base64ChunkDecoder decoder = new Base64ChunkDecoder();

    private static ByteBuf chunk(byte[] bytes, int from, int to) {
        return ByteBufAllocator.DEFAULT.directBuffer(Math.max(1, to - from)).writeBytes(bytes, from, to - from);
    }

    private byte[] decodeMessage(byte[] base64, int... cuts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : base64.length;
            ByteBuf decoded = decoder.decode(chunk(base64, from, to), i == cuts.length);
            out.writeBytes(ByteBufUtil.getBytes(decoded));
            decoded.release();
            from = to;
        }
        return out.toByteArray();
    }

    @Test
    void decodesMessagesSplitAtEveryPairOfPositions() {
        for (int length = 0; length <= 10; length++) {
            byte[] data = ClientFrames.random(length, length);
            byte[] base64 = Base64.getEncoder().encode(data);
            for (int cut = 0; cut <= base64.length; cut++) {
                for (int second = cut; second <= base64.length; second++) {
                    assertThat(decodeMessage(base64, cut, second)).as("len %d cuts %d %d", length, cut, second)
                            .isEqualTo(data);
                }
            }
        }
    }

    @Test
    void decodesConsecutivePaddedMessagesIndependently() {
        assertThat(decodeMessage("YQ==".getBytes(US_ASCII))).containsExactly('a');
        assertThat(decodeMessage("YWI=".getBytes(US_ASCII))).containsExactly('a', 'b');
        assertThat(decodeMessage("YWJj".getBytes(US_ASCII), 2)).containsExactly('a', 'b', 'c');
    }

    @Test
    void keepsFlagsWhenDecodingAClientDataChunk() {
        ByteBuf payload = chunk("YWJj".getBytes(US_ASCII), 0, 4);
        ClientDataChunk decoded = decoder.decode(new ClientDataChunk(payload, true, true));
        assertThat(payload.refCnt()).isZero();
        assertThat(decoded.text()).isTrue();
        assertThat(decoded.endOfMessage()).isTrue();
        assertThat(decoded.content().toString(US_ASCII)).isEqualTo("abc");
        decoded.release();
    }

    @ParameterizedTest
    @ValueSource(strings = {"YW I=", "YWI=\n", "YW-_", "=YWI", "Y===", "YQ=a", "YQ==YQ==", "YWI", "Y", "YQ=", "é"})
    void refusesWhatIsNotOneBase64Text(String message) {
        byte[] bytes = message.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ByteBuf whole = chunk(bytes, 0, bytes.length);
        assertThatThrownBy(() -> decoder.decode(whole, true))
                .isInstanceOf(InvalidBase64Exception.class);
        assertThat(whole.refCnt()).isZero();
        Base64ChunkDecoder fresh = new Base64ChunkDecoder();
        assertThatThrownBy(() -> {
            int half = bytes.length / 2;
            fresh.decode(chunk(bytes, 0, half), false).release();
            fresh.decode(chunk(bytes, half, bytes.length), true).release();
        }).as("split in two chunks").isInstanceOf(InvalidBase64Exception.class);
    }
}
