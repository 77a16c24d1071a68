package io.sluice.tunnel.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ClientLineEncoderTest {
    private final ClientLineEncoder encoder = new ClientLineEncoder();

    @Test
    void theLastChunkOfAMessageGetsTheNewlineAndNothingIsCopied() {
        ByteBuf first = buf("hel");
        ByteBuf last = buf("lo");

        ByteBuf a = encoder.encode(first, false);
        ByteBuf b = encoder.encode(last, true);

        assertThat(a).isSameAs(first);
        assertThat(b).isInstanceOf(CompositeByteBuf.class);
        assertThat(((CompositeByteBuf) b).internalComponent(0).memoryAddress()).isEqualTo(last.memoryAddress());
        assertThat(string(a) + string(b)).isEqualTo("hello\n");
        a.release();
        b.release();
        assertThat(first.refCnt()).isZero();
        assertThat(last.refCnt()).isZero();
    }

    @Test
    void anEmptyMessageIsAnEmptyLine() {
        ByteBuf empty = buf("");

        ByteBuf line = encoder.encode(empty, true);

        assertThat(string(line)).isEqualTo("\n");
        line.release();
        assertThat(empty.refCnt()).isZero();
    }

    @Test
    void aMessageContainingANewlineIsRefusedWith1007() {
        ByteBuf chunk = buf("two\nlines");

        assertThatThrownBy(() -> encoder.encode(chunk, true))
                .isInstanceOf(NewlineInMessageException.class)
                .hasMessage("message contains a newline; this route uses framing: lines");
        assertThat(chunk.refCnt()).isZero();
    }

    @Test
    void carriageReturnsPassAsTheyAre() {
        ByteBuf line = encoder.encode(buf("a\rb\r"), true);

        assertThat(string(line)).isEqualTo("a\rb\r\n");
        line.release();
    }

    @Test
    void randomMessagesInRandomChunksBecomeExactlyTheirLines() {
        Random random = new Random(99);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        ByteArrayOutputStream actual = new ByteArrayOutputStream();
        for (int message = 0; message < 500; message++) {
            byte[] payload = new byte[random.nextInt(300)];
            random.nextBytes(payload);
            for (int i = 0; i < payload.length; i++) {
                if (payload[i] == '\n') {
                    payload[i] = 'n';
                }
            }
            expected.writeBytes(payload);
            expected.write('\n');
            List<ByteBuf> chunks = chunks(payload, random);
            for (int i = 0; i < chunks.size(); i++) {
                ByteBuf out = encoder.encode(chunks.get(i), i == chunks.size() - 1);
                byte[] bytes = new byte[out.readableBytes()];
                out.readBytes(bytes);
                actual.writeBytes(bytes);
                out.release();
            }
        }
        assertThat(actual.toByteArray()).isEqualTo(expected.toByteArray());
    }

    private static List<ByteBuf> chunks(byte[] payload, Random random) {
        List<ByteBuf> chunks = new ArrayList<>();
        int at = 0;
        do {
            int n = Math.min(payload.length - at, random.nextInt(64));
            chunks.add(PooledByteBufAllocator.DEFAULT.directBuffer(Math.max(n, 1)).writeBytes(payload, at, n));
            at += n;
        } while (at < payload.length || random.nextInt(4) == 0);
        return chunks;
    }

    private static ByteBuf buf(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
        return PooledByteBufAllocator.DEFAULT.directBuffer(Math.max(bytes.length, 1)).writeBytes(bytes);
    }

    private static String string(ByteBuf buf) {
        return buf.toString(StandardCharsets.US_ASCII);
    }
}
