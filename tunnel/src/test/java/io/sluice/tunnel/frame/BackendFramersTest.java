package io.sluice.tunnel.frame;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BackendFramersTest {

    private static ByteBuf read(byte[] bytes, int from, int to) {
        return ByteBufAllocator.DEFAULT.directBuffer(Math.max(1, to - from)).writeBytes(bytes, from, to - from);
    }

    /** Feeds {@code bytes} cut at {@code cuts}, then finish(); returns every frame's payload, releasing frames. */
    private static List<byte[]> frames(BackendFramer framer, byte[] bytes, int... cuts) {
        List<byte[]> out = new ArrayList<>();
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : bytes.length;
            collect(framer.frame(read(bytes, from, to)), out);
            from = to;
        }
        collect(framer.finish(), out);
        framer.release();
        return out;
    }

    private static void collect(WebSocketFrame frame, List<byte[]> out) {
        if (frame != null) {
            try {
                assertThat(frame.isFinalFragment()).isTrue();
                out.add(ByteBufUtil.getBytes(frame.content()));
            } finally {
                frame.release();
            }
        }
    }

    private static byte[] joined(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {"é", "€", "😀"})
    void keepsEveryTextFrameValidUtf8WhereverTwoReadsSplitACharacter(String character) {
        byte[] text = ("a" + character + "b" + character).getBytes(UTF_8);
        for (int cut = 0; cut <= text.length; cut++) {
            for (int second = cut; second <= text.length; second++) {
                List<byte[]> frames = frames(BackendFramers.text(), text, cut, second);
                assertThat(joined(frames)).isEqualTo(text);
                for (byte[] frame : frames) {
                    assertThat(frame).isNotEmpty();
                    ByteBuf buf = io.netty.buffer.Unpooled.wrappedBuffer(frame);
                    assertThat(Utf8Validator.isValid(buf, 0, frame.length)).as("cuts %d %d", cut, second).isTrue();
                }
            }
        }
    }

    @Test
    void emitsAReadWithoutACarryAsASliceOfTheReadItself() {
        ByteBuf read = read("hello".getBytes(UTF_8), 0, 5);
        read.retain();
        WebSocketFrame frame = BackendFramers.text().frame(read);
        assertThat(frame).isInstanceOf(TextWebSocketFrame.class);
        read.setByte(0, 'j');
        assertThat(frame.content().toString(UTF_8)).as("shares the read's memory").isEqualTo("jello");
        frame.release();
        assertThat(read.release()).isTrue();
    }

    @Test
    void streamsLargeMixedTextInRandomReadsAsValidFrames() {
        byte[] text = "ascii é € 😀 ".repeat(20_000).getBytes(UTF_8);
        Random random = new Random(3);
        int[] cuts = random.ints(300, 1, text.length).sorted().distinct().toArray();
        List<byte[]> frames = frames(BackendFramers.text(), text, cuts);
        assertThat(joined(frames)).isEqualTo(text);
        frames.forEach(f -> assertThat(Utf8Validator.isValid(io.netty.buffer.Unpooled.wrappedBuffer(f), 0, f.length))
                .isTrue());
    }

    @Test
    void refusesBytesThatCanNeverBeUtf8WithTheirOffsetInTheOutput() {
        BackendFramer framer = BackendFramers.text();
        collect(framer.frame(read("ab".getBytes(UTF_8), 0, 2)), new ArrayList<>());
        ByteBuf bad = read(new byte[] {'c', (byte) 0xFF, 'd'}, 0, 3);
        assertThatThrownBy(() -> framer.frame(bad))
                .isInstanceOfSatisfying(InvalidBackendTextException.class, e -> assertThat(e.offset()).isEqualTo(3))
                .hasMessageContaining("byte 3").hasMessageContaining("frame-type: binary");
        assertThat(bad.refCnt()).isZero();
        framer.release();
    }

    @Test
    void refusesOutputThatEndsInsideACharacter() {
        BackendFramer framer = BackendFramers.text();
        byte[] euro = "x€".getBytes(UTF_8);
        List<byte[]> out = new ArrayList<>();
        collect(framer.frame(read(euro, 0, 3)), out);
        assertThat(out).containsExactly(new byte[] {'x'});
        assertThatThrownBy(framer::finish).isInstanceOf(InvalidBackendTextException.class)
                .hasMessageContaining("inside a UTF-8 sequence");
        framer.release();
    }

    @Test
    void wrapsBinaryReadsAsTheyAre() {
        BackendFramer framer = BackendFramers.binary();
        ByteBuf read = read(new byte[] {1, 2, (byte) 0xFF}, 0, 3);
        WebSocketFrame frame = framer.frame(read);
        assertThat(frame).isInstanceOf(BinaryWebSocketFrame.class);
        assertThat(frame.content()).isSameAs(read);
        frame.release();
        assertThat(framer.frame(read(new byte[0], 0, 0))).isNull();
        assertThat(framer.finish()).isNull();
    }

    @Test
    void encodesBase64FramesThatEachDecodeAndConcatenateToTheWholeAtEveryCarryLength() {
        for (int length = 0; length <= 10; length++) {
            byte[] data = ClientFrames.random(length, length);
            String expected = Base64.getEncoder().encodeToString(data);
            for (int cut = 0; cut <= length; cut++) {
                for (int second = cut; second <= length; second++) {
                    List<byte[]> frames = frames(BackendFramers.base64(), data, cut, second);
                    assertThat(new String(joined(frames), UTF_8)).as("len %d cuts %d %d", length, cut, second)
                            .isEqualTo(expected);
                    ByteArrayOutputStream decoded = new ByteArrayOutputStream();
                    for (byte[] frame : frames) {
                        assertThat(frame.length % 4).isZero();
                        decoded.writeBytes(Base64.getDecoder().decode(frame));
                    }
                    assertThat(decoded.toByteArray()).isEqualTo(data);
                }
            }
        }
    }

    @Test
    void encodesLargeBase64StreamsInRandomReads() {
        byte[] data = ClientFrames.random(1 << 20, 11);
        int[] cuts = new Random(5).ints(200, 1, data.length).sorted().distinct().toArray();
        List<byte[]> frames = frames(BackendFramers.base64(), data, cuts);
        assertThat(Base64.getDecoder().decode(joined(frames))).isEqualTo(data);
        assertThat(frames.stream().limit(frames.size() - 1).allMatch(f -> f[f.length - 1] != '=')).isTrue();
        assertThat(Arrays.equals(joined(frames), Base64.getEncoder().encode(data))).isTrue();
    }
}
