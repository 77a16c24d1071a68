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
                .isInstanceOfSatisfying(InvalidBackendTextException.class, e -> {
                    assertThat(e.offset()).isEqualTo(3);
                    e.validPrefix().release();
                })
                .hasMessageContaining("byte 3").hasMessageContaining("frame-type: binary");
        assertThat(bad.refCnt()).isZero();
        framer.release();
    }

    @Test
    void handsOverTheValidPrefixOfAReadThatTurnsInvalid() {
        assertThat(validPrefixBeforeInvalidByte("hello\u00ff")).isEqualTo("hello");
        assertThat(validPrefixBeforeInvalidByte("\u00ff")).isNull();
        // a character carried from the previous read is part of the prefix, an incomplete one is not
        BackendFramer framer = BackendFramers.text();
        byte[] e = "x\u00e9".getBytes(UTF_8);
        List<byte[]> out = new ArrayList<>();
        collect(framer.frame(read(e, 0, 2)), out);
        assertThat(out).containsExactly(new byte[] {'x'});
        ByteBuf rest = read(new byte[] {e[2], 'y', (byte) 0xC3, 'z'}, 0, 4);
        assertThatThrownBy(() -> framer.frame(rest)).isInstanceOfSatisfying(InvalidBackendTextException.class,
                ex -> {
                    assertThat(ex.offset()).isEqualTo(5);
                    assertThat(frameText(ex.validPrefix())).isEqualTo("\u00e9y");
                });
        framer.release();
    }

    /** Feeds one read of {@code text} in ISO-8859-1 (so U+00FF becomes the byte 0xFF); returns the prefix's text. */
    private static String validPrefixBeforeInvalidByte(String text) {
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        BackendFramer framer = BackendFramers.text();
        ByteBuf read = read(bytes, 0, bytes.length);
        try {
            framer.frame(read);
            throw new AssertionError("no InvalidBackendTextException for " + text);
        } catch (InvalidBackendTextException e) {
            String prefix = frameText(e.validPrefix());
            assertThat(read.refCnt()).as("released by the framer and by the prefix's release").isZero();
            return prefix;
        } finally {
            framer.release();
        }
    }

    private static String frameText(WebSocketFrame frame) {
        if (frame == null) {
            return null;
        }
        try {
            assertThat(frame).isInstanceOf(TextWebSocketFrame.class);
            return frame.content().toString(UTF_8);
        } finally {
            frame.release();
        }
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

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7})
    void sendsEveryBase64ReadAtOnceAsCompletePaddedBase64(int length) {
        // A request/response backend answers with one short write: none of it may wait for a later read.
        BackendFramer framer = BackendFramers.base64();
        for (int reply = 0; reply < 3; reply++) {
            byte[] data = ClientFrames.random(length, length * 10 + reply);
            List<byte[]> out = new ArrayList<>();
            collect(framer.frame(read(data, 0, data.length)), out);
            assertThat(out).hasSize(1);
            assertThat(new String(out.get(0), UTF_8)).isEqualTo(Base64.getEncoder().encodeToString(data));
        }
        assertThat(framer.finish()).isNull();
        framer.release();
    }

    @Test
    void encodesBase64FramesThatEachDecodeToTheirReadWhereverTheStreamIsCut() {
        for (int length = 0; length <= 10; length++) {
            byte[] data = ClientFrames.random(length, length);
            for (int cut = 0; cut <= length; cut++) {
                for (int second = cut; second <= length; second++) {
                    List<byte[]> frames = frames(BackendFramers.base64(), data, cut, second);
                    ByteArrayOutputStream decoded = new ByteArrayOutputStream();
                    for (byte[] frame : frames) {
                        assertThat(frame).isNotEmpty();
                        assertThat(frame.length % 4).isZero();
                        decoded.writeBytes(Base64.getDecoder().decode(frame));
                    }
                    assertThat(decoded.toByteArray()).as("len %d cuts %d %d", length, cut, second).isEqualTo(data);
                    assertThat(frames).hasSize((cut > 0 ? 1 : 0) + (second > cut ? 1 : 0) + (length > second ? 1 : 0));
                }
            }
        }
    }

    @Test
    void encodesLargeBase64StreamsInRandomReads() {
        byte[] data = ClientFrames.random(1 << 20, 11);
        int[] cuts = new Random(5).ints(200, 1, data.length).sorted().distinct().toArray();
        List<byte[]> frames = frames(BackendFramers.base64(), data, cuts);
        assertThat(frames).hasSize(cuts.length + 1);
        ByteArrayOutputStream decoded = new ByteArrayOutputStream();
        frames.forEach(f -> decoded.writeBytes(Base64.getDecoder().decode(f)));
        assertThat(decoded.toByteArray()).isEqualTo(data);
    }
}
