package io.sluice.tunnel.frame;

import static io.sluice.tunnel.frame.ClientFrames.BINARY;
import static io.sluice.tunnel.frame.ClientFrames.CLOSE;
import static io.sluice.tunnel.frame.ClientFrames.CONT;
import static io.sluice.tunnel.frame.ClientFrames.PING;
import static io.sluice.tunnel.frame.ClientFrames.PONG;
import static io.sluice.tunnel.frame.ClientFrames.TEXT;
import static io.sluice.tunnel.frame.ClientFrames.buffer;
import static io.sluice.tunnel.frame.ClientFrames.concat;
import static io.sluice.tunnel.frame.ClientFrames.frame;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClientFrameDecoderTest {
    private final ClientFrameDecoder decoder = new ClientFrameDecoder(0, true);
    private final EmbeddedChannel ch = new EmbeddedChannel(decoder);

    /** What the decoder emitted: data bytes in order, chunk flags, and control frames described as strings. */
    private static final class Received {
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        final List<String> events = new ArrayList<>();
        int endsOfMessage;
        int chunks;
    }

    private Received drain() {
        Received r = new Received();
        for (Object msg; (msg = ch.readInbound()) != null; ) {
            try {
                if (msg instanceof ClientDataChunk chunk) {
                    r.chunks++;
                    r.endsOfMessage += chunk.endOfMessage() ? 1 : 0;
                    byte[] bytes = ByteBufUtil.getBytes(chunk.content());
                    r.data.writeBytes(bytes);
                    r.events.add((chunk.text() ? "text:" : "binary:") + new String(bytes, UTF_8)
                            + (chunk.endOfMessage() ? "|end" : ""));
                } else if (msg instanceof PingWebSocketFrame ping) {
                    r.events.add("ping:" + ping.content().toString(UTF_8));
                } else if (msg instanceof PongWebSocketFrame pong) {
                    r.events.add("pong:" + pong.content().toString(UTF_8));
                } else if (msg instanceof CloseWebSocketFrame close) {
                    r.events.add("close:" + close.statusCode() + ":" + close.reasonText());
                } else {
                    r.events.add("other:" + msg);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
        return r;
    }

    private void feedInSplits(byte[] wire, int[] cuts) {
        int from = 0;
        for (int cut : cuts) {
            ch.writeInbound(buffer(wire, from, cut - from));
            from = cut;
        }
        ch.writeInbound(buffer(wire, from, wire.length - from));
    }

    static Stream<Arguments> sizesAndFeeds() {
        return Stream.of(0, 1, 125, 126, 2047, 2048, 4095, 4096, 6144, 65535, 65536, 1 << 20)
                .flatMap(size -> Stream.of("whole", "byteByByte", "random").map(feed -> Arguments.of(size, feed)));
    }

    @ParameterizedTest(name = "{0} bytes fed {1}")
    @MethodSource("sizesAndFeeds")
    void deliversEveryPayloadByteOfBinaryFramesWhateverTheReadSplits(int size, String feed) {
        byte[] payload = ClientFrames.random(size, size);
        byte[] wire = frame(BINARY, payload);
        switch (feed) {
            case "whole" -> ch.writeInbound(buffer(wire));
            case "byteByByte" -> {
                // unpooled wrappers: paranoid leak tracking of a million pooled buffers would take minutes
                for (byte b : wire) {
                    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
                }
            }
            default -> feedInSplits(wire, randomCuts(wire.length, new Random(size)));
        }
        Received r = drain();
        assertThat(r.data.toByteArray()).isEqualTo(payload);
        assertThat(r.endsOfMessage).isEqualTo(1);
        assertThat(decoder.bufferedBytes()).isZero();
        assertThat(ch.finish()).isFalse();
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {1, 125, 126, 2047, 2048, 4095, 65535, 65536, 1 << 20})
    void deliversValidatedTextFramesOfEverySizeInRandomReads(int size) {
        byte[] pattern = "aé€😀".getBytes(UTF_8);
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        for (int i = 0; i < size / pattern.length; i++) {
            text.writeBytes(pattern);
        }
        text.writeBytes("x".repeat(size % pattern.length).getBytes(UTF_8));
        byte[] payload = text.toByteArray();
        byte[] wire = frame(TEXT, payload);
        feedInSplits(wire, randomCuts(wire.length, new Random(size)));
        Received r = drain();
        assertThat(r.data.toByteArray()).isEqualTo(payload);
        assertThat(r.endsOfMessage).isEqualTo(1);
        assertThat(r.events).allMatch(e -> e.startsWith("text:"));
        assertThat(ch.finish()).isFalse();
    }

    private static int[] randomCuts(int length, Random random) {
        return random.ints(Math.min(length, 40), 1, Math.max(2, length)).sorted().distinct()
                .filter(c -> c < length).toArray();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 7, 13})
    void unmasksCorrectlyWhenReadsSplitTheMaskCycle(int step) {
        byte[] payload = ClientFrames.random(1000, step);
        byte[] wire = frame(BINARY, payload);
        for (int i = 0; i < wire.length; i += step) {
            ch.writeInbound(buffer(wire, i, Math.min(step, wire.length - i)));
        }
        assertThat(drain().data.toByteArray()).isEqualTo(payload);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void emitsEachReadOfAFrameAtOnceAndMarksOnlyTheLastChunkAsEndOfMessage() {
        byte[] wire = frame(TEXT, "hello world".getBytes(UTF_8));
        ch.writeInbound(buffer(wire, 0, 6 + 5));
        assertThat(drain().events).containsExactly("text:hello");
        ch.writeInbound(buffer(wire, 11, wire.length - 11));
        assertThat(drain().events).containsExactly("text: world|end");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void streamsAFragmentedMessageWithControlFramesInterleaved() {
        byte[] wire = concat(
                frame(false, TEXT, "Hel".getBytes(UTF_8)),
                frame(PING, "p1".getBytes(UTF_8)),
                frame(false, CONT, "lo ".getBytes(UTF_8)),
                frame(PONG, new byte[0]),
                frame(false, CONT, new byte[0]),
                frame(true, CONT, "wörld".getBytes(UTF_8)),
                frame(BINARY, new byte[] {'b'}));
        feedInSplits(wire, new int[] {7, 24});
        assertThat(drain().events).containsExactly("text:H", "text:el", "ping:p1", "text:l", "text:o ", "pong:",
                "text:wörld|end", "binary:b|end");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void endsAnEmptyMessageWithAnEmptyEndOfMessageChunk() {
        ch.writeInbound(buffer(concat(frame(TEXT, new byte[0]), frame(false, BINARY, new byte[0]),
                frame(true, CONT, new byte[0]))));
        assertThat(drain().events).containsExactly("text:|end", "binary:|end");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void emitsControlFramesWithUnmaskedPayload() {
        byte[] ping = "x".repeat(125).getBytes(UTF_8);
        ch.writeInbound(buffer(concat(frame(PING, ping), frame(PONG, "pong".getBytes(UTF_8)))));
        assertThat(drain().events).containsExactly("ping:" + "x".repeat(125), "pong:pong");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void emitsCloseWithCodeAndReasonAndDiscardsEverythingAfterIt() {
        byte[] close = concat(new byte[] {0x03, (byte) 0xE8}, "bye ✓".getBytes(UTF_8));
        byte[] wire = concat(frame(BINARY, new byte[] {1, 2}), frame(CLOSE, close), frame(BINARY, new byte[] {3}),
                new byte[] {(byte) 0xFF});
        ch.writeInbound(buffer(wire));
        ch.writeInbound(buffer(frame(TEXT, "late".getBytes(UTF_8))));
        assertThat(drain().events).containsExactly("binary:\u0001\u0002|end", "close:1000:bye ✓");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void acceptsAnEmptyClose() {
        ch.writeInbound(buffer(frame(CLOSE, new byte[0])));
        assertThat(drain().events).containsExactly("close:-1:");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void forwardsInvalidUtf8WhenTextIsNotValidated() {
        EmbeddedChannel lax = new EmbeddedChannel(new ClientFrameDecoder(0, false));
        lax.writeInbound(buffer(frame(TEXT, new byte[] {(byte) 0xC0, (byte) 0xFF})));
        ClientDataChunk chunk = lax.readInbound();
        assertThat(ByteBufUtil.getBytes(chunk.content())).containsExactly(0xC0, 0xFF);
        chunk.release();
        assertThat(lax.finish()).isFalse();
    }

    @Test
    void copiesReadOnlyBuffersInsteadOfUnmaskingThemInPlace() {
        byte[] wire = frame(BINARY, "abc".getBytes(UTF_8));
        ByteBuf original = buffer(wire);
        ch.writeInbound(original.asReadOnly());
        assertThat(drain().events).containsExactly("binary:abc|end");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void passesOtherMessagesThrough() {
        ch.writeInbound("not a buffer");
        assertThat(drain().events).containsExactly("other:not a buffer");
        assertThat(ch.finish()).isFalse();
    }

    /** Feeds {@code wire} and expects the exception; returns what was emitted before it. */
    private Received expectViolation(byte[] wire, int status, String messagePart) {
        ByteBuf read = buffer(wire);
        assertThatThrownBy(() -> ch.writeInbound(read))
                .isInstanceOfSatisfying(CorruptedWebSocketFrameException.class,
                        e -> assertThat(e.closeStatus().code()).isEqualTo(status))
                .hasMessageContaining(messagePart);
        Received before = drain();
        assertThat(read.refCnt()).as("the read and every chunk of it are released").isZero();
        ch.writeInbound(buffer(frame(BINARY, new byte[] {9})));
        assertThat(drain().events).as("input after a violation is discarded").isEmpty();
        assertThat(decoder.bufferedBytes()).isZero();
        return before;
    }

    static Stream<Arguments> violations() {
        byte[] none = new byte[0];
        return Stream.of(
                Arguments.of("unmasked frame", frame(0x82, false, 3, new byte[] {1, 2, 3}, 0), 1002, "unmasked"),
                Arguments.of("RSV1", frame(0xC2, true, 0, none, 1), 1002, "reserved bits"),
                Arguments.of("RSV3", frame(0x92, true, 0, none, 1), 1002, "reserved bits"),
                Arguments.of("opcode 3", frame(0x83, true, 0, none, 1), 1002, "unknown opcode 3"),
                Arguments.of("opcode 0xB", frame(0x8B, true, 0, none, 1), 1002, "unknown opcode 11"),
                Arguments.of("fragmented ping", frame(0x09, true, 0, none, 1), 1002, "fragmented control"),
                Arguments.of("ping of 126", frame(PING, new byte[126]), 1002, "over 125"),
                Arguments.of("close of 64-bit length", frame(0x88, true, 70000, none, 1), 1002, "over 125"),
                Arguments.of("stray continuation", frame(CONT, new byte[] {1}), 1002, "continuation"),
                Arguments.of("text inside a fragmented message",
                        concat(frame(false, BINARY, new byte[] {1}), frame(TEXT, new byte[] {2})), 1002, "still open"),
                Arguments.of("64-bit length with MSB", frame(0x82, true, Long.MIN_VALUE, none, 1), 1002, "significant"),
                Arguments.of("close of 1 byte", frame(CLOSE, new byte[] {3}), 1002, "1-byte"),
                Arguments.of("close code 1005", frame(CLOSE, new byte[] {0x03, (byte) 0xED}), 1002, "close code 1005"),
                Arguments.of("close code 999", frame(CLOSE, new byte[] {0x03, (byte) 0xE7}), 1002, "close code 999"),
                Arguments.of("close code 5000", frame(CLOSE, new byte[] {0x13, (byte) 0x88}), 1002, "close code 5000"),
                Arguments.of("close reason not UTF-8", frame(CLOSE, new byte[] {0x03, (byte) 0xE8, (byte) 0xC3}),
                        1007, "close reason"),
                Arguments.of("overlong in text", frame(TEXT, new byte[] {(byte) 0xC0, (byte) 0x80}), 1007, "UTF-8"),
                Arguments.of("surrogate in text", frame(TEXT, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}),
                        1007, "UTF-8"),
                Arguments.of("above U+10FFFF", frame(TEXT, new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80,
                        (byte) 0x80}), 1007, "UTF-8"),
                Arguments.of("text ends mid-sequence",
                        concat(frame(false, TEXT, new byte[] {'a', (byte) 0xE2}),
                                frame(CONT, new byte[] {(byte) 0x82})),
                        1007, "ends inside"));
    }

    @ParameterizedTest(name = "{0} closes with {2}")
    @MethodSource("violations")
    void rejectsProtocolViolationsWithTheirCloseStatus(String name, byte[] wire, int status, String messagePart) {
        expectViolation(wire, status, messagePart);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void detectsAnUnmaskedFrameFromItsSecondByteAlone() {
        assertThatThrownBy(() -> ch.writeInbound(buffer(new byte[] {(byte) 0x82, 0x03})))
                .isInstanceOf(CorruptedWebSocketFrameException.class).hasMessageContaining("unmasked");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void keepsTheBytesThatPrecededAViolation() {
        byte[] wire = concat(frame(BINARY, new byte[] {'a'}), frame(false, TEXT, "ok".getBytes(UTF_8)),
                frame(CONT, new byte[] {'x', 'y', (byte) 0xFF, 'z'}));
        Received before = expectViolation(wire, 1007, "invalid UTF-8");
        assertThat(before.events).containsExactly("binary:a|end", "text:ok", "text:xy");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void acceptsTextWhoseCharactersAreSplitAcrossFragmentsAndReads() {
        byte[] text = "aé€😀z".getBytes(UTF_8);
        for (int cut = 1; cut < text.length; cut++) {
            byte[] wire = concat(frame(false, TEXT, java.util.Arrays.copyOfRange(text, 0, cut)),
                    frame(CONT, java.util.Arrays.copyOfRange(text, cut, text.length)));
            for (int i = 0; i < wire.length; i++) {
                ch.writeInbound(buffer(wire, i, 1));
            }
            Received r = drain();
            assertThat(r.data.toString(UTF_8)).isEqualTo("aé€😀z");
            assertThat(r.endsOfMessage).isEqualTo(1);
        }
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void rejectsAMessageOverMaxMessageSizeFromTheFrameHeaderAcrossFragments() {
        EmbeddedChannel limited = new EmbeddedChannel(new ClientFrameDecoder(10, true));
        limited.writeInbound(buffer(concat(frame(false, BINARY, new byte[6]), frame(false, CONT, new byte[4]))));
        byte[] over = frame(CONT, new byte[1]);
        // only the header: the payload has not arrived when the decoder refuses
        assertThatThrownBy(() -> limited.writeInbound(buffer(over, 0, 6)))
                .isInstanceOfSatisfying(CorruptedWebSocketFrameException.class,
                        e -> assertThat(e.closeStatus().code()).isEqualTo(1009));
        long emitted = 0;
        for (ClientDataChunk c; (c = limited.readInbound()) != null; c.release()) {
            emitted += c.content().readableBytes();
        }
        assertThat(emitted).isEqualTo(10);
        assertThat(limited.finish()).isFalse();
    }

    @Test
    void acceptsAMessageOfExactlyMaxMessageSizeAndCountsEachMessageAfresh() {
        EmbeddedChannel limited = new EmbeddedChannel(new ClientFrameDecoder(10, true));
        limited.writeInbound(buffer(concat(frame(false, BINARY, new byte[6]), frame(CONT, new byte[4]),
                frame(TEXT, new byte[10]))));
        int chunks = 0;
        for (ClientDataChunk c; (c = limited.readInbound()) != null; c.release()) {
            chunks++;
        }
        assertThat(chunks).isEqualTo(3);
        assertThatThrownBy(() -> limited.writeInbound(buffer(frame(0x82, true, 11, new byte[0], 5))))
                .isInstanceOf(CorruptedWebSocketFrameException.class);
        assertThat(limited.finish()).isFalse();
    }
}
