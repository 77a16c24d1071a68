package io.sluice.tunnel.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LineFramerTest {
    private final List<ByteBuf> sources = new ArrayList<>();

    @AfterEach
    void everyReadWasReleased() {
        assertThat(sources).allMatch(b -> b.refCnt() == 0);
    }

    @Test
    void eachCompleteLineIsOneMessageWithoutItsLineEnd() {
        LineFramer framer = LineFramer.text(100);

        assertThat(feed(framer, "one\ntwo\r\n\nthree\rstill three\n")).containsExactly("one", "two", "",
                "three\rstill three");
        assertThat(framer.finish()).isNull();
    }

    @Test
    void aPartialLineWaitsForItsNewlineAcrossReads() {
        LineFramer framer = LineFramer.text(100);

        assertThat(feed(framer, "hel")).isEmpty();
        assertThat(feed(framer, "lo wo")).isEmpty();
        assertThat(feed(framer, "rld\nnext")).containsExactly("hello world");
        assertThat(feed(framer, "\n")).containsExactly("next");
    }

    @Test
    void aCarriageReturnEndingOneReadIsStrippedWhenTheNewlineStartsTheNext() {
        LineFramer framer = LineFramer.binary(100);

        assertThat(feed(framer, "a\r")).isEmpty();
        assertThat(feed(framer, "\nb\r\r")).containsExactly("a");
        assertThat(feed(framer, "\n")).containsExactly("b\r");
        assertThat(feed(framer, "c\r")).isEmpty();
        assertThat(feed(framer, "\r\n")).containsExactly("c\r");
    }

    @Test
    void theLastLineWithoutNewlineIsAMessageAtTheEnd() {
        LineFramer framer = LineFramer.binary(100);

        feed(framer, "done\nbye");

        assertThat(text(framer.finish())).isEqualTo("bye");
        assertThat(framer.finish()).isNull();
    }

    @Test
    void linesInsideOneReadAreSlicesOfItNotCopies() {
        LineFramer framer = LineFramer.binary(100);
        ByteBuf read = source(Unpooled.buffer(64).writeBytes("ab\ncd\n".getBytes(StandardCharsets.US_ASCII)));
        List<WebSocketFrame> frames = new ArrayList<>();

        framer.frame(read, frames::add);

        assertThat(frames).hasSize(2).allSatisfy(f -> {
            assertThat(f).isInstanceOf(BinaryWebSocketFrame.class);
            assertThat(f.content().array()).isSameAs(read.array());
        });
        assertThat(read.refCnt()).isEqualTo(2);
        frames.forEach(WebSocketFrame::release);
    }

    @Test
    void aReadsLinesAreTakenOneAtATimeSoTheCallerCanPauseBetweenThem() {
        LineFramer framer = LineFramer.binary(100);
        ByteBuf read = source(PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(
                "a\nb\nc".getBytes(StandardCharsets.US_ASCII)));

        framer.offer(read);
        assertThat(text(framer.next())).isEqualTo("a");
        assertThatThrownBy(framer::finish).isInstanceOf(IllegalStateException.class);
        assertThat(read.refCnt()).isPositive();
        assertThat(text(framer.next())).isEqualTo("b");
        assertThat(framer.next()).isNull();
        assertThat(read.refCnt()).isZero();
        assertThat(framer.next()).isNull();
        assertThat(text(framer.finish())).isEqualTo("c");
    }

    @Test
    void aReadOfferedBeforeTheLastOnesLinesWereTakenWaitsItsTurn() {
        LineFramer framer = LineFramer.binary(100);
        ByteBuf first = source(PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(
                "a\nb".getBytes(StandardCharsets.US_ASCII)));
        ByteBuf second = source(PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(
                "c\nd\n".getBytes(StandardCharsets.US_ASCII)));
        ByteBuf third = source(PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(
                "e".getBytes(StandardCharsets.US_ASCII)));

        framer.offer(first);
        assertThat(text(framer.next())).isEqualTo("a");
        framer.offer(second);
        framer.offer(third);
        assertThatThrownBy(framer::finish).isInstanceOf(IllegalStateException.class);

        assertThat(text(framer.next())).isEqualTo("bc");
        assertThat(text(framer.next())).isEqualTo("d");
        assertThat(framer.next()).isNull();
        assertThat(text(framer.finish())).isEqualTo("e");
    }

    @Test
    void releaseFreesAnUntakenReadAndAHeldLine() {
        LineFramer framer = LineFramer.binary(100);
        feed(framer, "held");
        ByteBuf read = source(PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(
                "\nrest\n".getBytes(StandardCharsets.US_ASCII)));
        framer.offer(read);

        framer.release();
        framer.release();

        assertThat(read.refCnt()).isZero();
        assertThat(framer.next()).isNull();
        assertThat(framer.finish()).isNull();
    }

    @Test
    void aLineOfExactlyMaxLineLengthPassesOneMoreByteCloses() {
        assertThat(feed(LineFramer.binary(5), "12345\n")).containsExactly("12345");
        assertThat(feed(LineFramer.binary(5), "12345\r\n")).containsExactly("12345");
        assertThatThrownBy(() -> feed(LineFramer.binary(5), "123456\n"))
                .isInstanceOf(LineTooLongException.class)
                .hasMessage("backend line longer than max-line-length (5 bytes)");
    }

    @Test
    void aHeldLineOverTheLimitClosesBeforeItsNewlineComes() {
        LineFramer held = LineFramer.binary(5);
        feed(held, "1234");
        assertThatThrownBy(() -> feed(held, "56")).isInstanceOf(LineTooLongException.class);
        held.release();

        LineFramer withCr = LineFramer.binary(5);
        feed(withCr, "123");
        assertThat(feed(withCr, "45\r")).isEmpty();
        assertThat(feed(withCr, "\n")).containsExactly("12345");

        LineFramer lateNewline = LineFramer.binary(5);
        feed(lateNewline, "12345");
        assertThatThrownBy(() -> feed(lateNewline, "x")).isInstanceOf(LineTooLongException.class);
    }

    @Test
    void textRoutesRefuseOutputThatIsNotUtf8AfterTheCompleteLinesBeforeIt() {
        LineFramer framer = LineFramer.text(100);
        framer.offer(source(PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(
                "ok\nfine\nbad \u00ff\nlater\n".getBytes(StandardCharsets.ISO_8859_1))));

        assertThat(text(framer.next())).isEqualTo("ok");
        assertThat(text(framer.next())).isEqualTo("fine");
        assertThatThrownBy(framer::next).isInstanceOf(InvalidBackendTextException.class)
                .hasMessageStartingWith("backend output is not UTF-8 at byte 12");
        assertThat(framer.next()).isNull();
        ByteBuf after = source(PooledByteBufAllocator.DEFAULT.directBuffer().writeByte('x'));
        framer.offer(after);
        assertThat(after.refCnt()).as("reads after the refusal are dropped").isZero();
        assertThat(framer.next()).isNull();
        assertThat(framer.finish()).isNull();
    }

    @Test
    void aLineSplitBeforeTheBadByteIsNotSentWhenTheBadByteComesInALaterRead() {
        LineFramer framer = LineFramer.text(100);
        assertThat(feed(framer, "one\ntw")).containsExactly("one");
        framer.offer(source(PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(
                "o \u00ff\n".getBytes(StandardCharsets.ISO_8859_1))));

        assertThatThrownBy(framer::next).isInstanceOf(InvalidBackendTextException.class)
                .hasMessageStartingWith("backend output is not UTF-8 at byte 8");
        framer.release();
    }

    @Test
    void textRoutesRefuseOutputEndingInsideACharacter() {
        LineFramer cut = LineFramer.text(100);
        byte[] euro = "\u20ac".getBytes(StandardCharsets.UTF_8);
        framer(cut, new byte[] {euro[0], euro[1]});
        assertThatThrownBy(cut::finish).isInstanceOf(InvalidBackendTextException.class)
                .hasMessageStartingWith("backend output ended inside a UTF-8 sequence");
    }

    @Test
    void nothingIsFramedAfterALineTooLong() {
        LineFramer framer = LineFramer.binary(3);
        framer.offer(source(PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(
                "ab\nabcd\nx\n".getBytes(StandardCharsets.US_ASCII))));

        assertThat(text(framer.next())).isEqualTo("ab");
        assertThatThrownBy(framer::next).isInstanceOf(LineTooLongException.class);
        ByteBuf after = source(PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(
                "y\n".getBytes(StandardCharsets.US_ASCII)));
        framer.offer(after);
        assertThat(framer.next()).isNull();
        assertThat(framer.finish()).isNull();
    }

    @Test
    void base64SessionsGetEachLineEncodedAsOneTextMessage() {
        LineFramer framer = LineFramer.base64(100);
        List<WebSocketFrame> frames = new ArrayList<>();

        framer(framer, new byte[] {(byte) 0xff, 0, '\n', 'a', '\n'}, frames);

        assertThat(frames).allMatch(f -> f instanceof TextWebSocketFrame);
        assertThat(frames.stream().map(LineFramerTest::text)).containsExactly(
                Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, 0}), "YQ==");
    }

    @Test
    void randomLinesSplitAndMergedArbitrarilyComeOutExactly() {
        Random random = new Random(1234);
        for (int round = 0; round < 300; round++) {
            boolean text = random.nextBoolean();
            List<String> lines = new ArrayList<>();
            StringBuilder stream = new StringBuilder();
            for (int i = random.nextInt(20); i > 0; i--) {
                String line = randomLine(random, text);
                lines.add(line);
                stream.append(line).append(random.nextInt(3) == 0 ? "\r\n" : "\n");
            }
            String tail = random.nextBoolean() ? randomLine(random, text) : "";
            stream.append(tail);
            if (!tail.isEmpty()) {
                lines.add(tail);
            }
            byte[] bytes = stream.toString().getBytes(text ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            LineFramer framer = text ? LineFramer.text(64) : LineFramer.binary(64);

            List<String> out = new ArrayList<>();
            int at = 0;
            while (at < bytes.length) {
                int n = Math.min(bytes.length - at, 1 + random.nextInt(random.nextBoolean() ? 4 : 200));
                List<WebSocketFrame> frames = new ArrayList<>();
                ByteBuf read = source(PooledByteBufAllocator.DEFAULT.directBuffer(n).writeBytes(bytes, at, n));
                framer.frame(read, frames::add);
                frames.forEach(f -> out.add(decode(f, text)));
                at += n;
            }
            WebSocketFrame last = framer.finish();
            if (last != null) {
                out.add(decode(last, text));
            }
            assertThat(out).as("round %d", round).isEqualTo(lines);
        }
    }

    /** Up to 64 chars, no newline, never ending with \r (a line's own trailing \r is not kept). */
    private static String randomLine(Random random, boolean text) {
        String alphabet = text ? "ab \r\t\u00e9\u20ac\ud83d\ude00" : "ab \r\u0000\u00ff";
        StringBuilder line = new StringBuilder();
        for (int i = random.nextInt(20); i > 0; i--) {
            int c = random.nextInt(alphabet.length());
            if (Character.isHighSurrogate(alphabet.charAt(c))) {
                line.append(alphabet, c, c + 2);
            } else if (!Character.isLowSurrogate(alphabet.charAt(c))) {
                line.append(alphabet.charAt(c));
            }
        }
        while (line.length() > 0 && line.charAt(line.length() - 1) == '\r') {
            line.setLength(line.length() - 1);
        }
        return line.toString();
    }

    private List<String> feed(LineFramer framer, String s) {
        return feed(framer, s, StandardCharsets.UTF_8);
    }

    private List<String> feed(LineFramer framer, String s, java.nio.charset.Charset charset) {
        List<WebSocketFrame> frames = new ArrayList<>();
        framer(framer, s.getBytes(charset), frames);
        return frames.stream().map(LineFramerTest::text).toList();
    }

    private void framer(LineFramer framer, byte[] bytes) {
        List<WebSocketFrame> frames = new ArrayList<>();
        framer(framer, bytes, frames);
        frames.forEach(WebSocketFrame::release);
    }

    private void framer(LineFramer framer, byte[] bytes, List<WebSocketFrame> frames) {
        framer.frame(source(PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes)), frames::add);
    }

    private ByteBuf source(ByteBuf buf) {
        sources.add(buf);
        return buf;
    }

    private static String decode(WebSocketFrame frame, boolean text) {
        try {
            return frame.content().toString(text ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        } finally {
            frame.release();
        }
    }

    private static String text(WebSocketFrame frame) {
        try {
            return new String(ByteBufUtil.getBytes(frame.content()), StandardCharsets.ISO_8859_1);
        } finally {
            frame.release();
        }
    }
}
