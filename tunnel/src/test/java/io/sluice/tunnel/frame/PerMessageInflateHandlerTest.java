package io.sluice.tunnel.frame;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.Deflater;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The receiving half of permessage-deflate behind the real frame decoder: any split of the input gives the same
 * messages, every read yields at most one read's worth of inflated bytes, bombs end in 1009 within that bound, and no
 * buffer is left behind (every buffer comes from a {@link LeakCheckingAllocator}).
 */
class PerMessageInflateHandlerTest {
    private static final int RSV1 = 0x40;
    private static final int FIN = 0x80;
    private static final long FLOOR = 1 << 20;
    private static final int TEN_MB = 10 * 1024 * 1024;

    private final LeakCheckingAllocator alloc = new LeakCheckingAllocator();
    private EmbeddedChannel ch;
    private PerMessageInflateHandler inflate;
    /** The largest number of data bytes one read (a write of input, or a read() served from the queue) produced. */
    private long largestRead;
    /** What the pipeline raised (EmbeddedChannel rethrows it from the call that caused it). */
    private Throwable failure;
    private int pings;

    @AfterEach
    void noLeaks() {
        if (ch != null) {
            ch.finishAndReleaseAll();
        }
        assertThat(alloc.unreleased()).isEmpty();
    }

    @Test
    void anySplitOfCompressedAndPlainMessagesGivesTheSameMessages() {
        byte[] wire = mixedStream();
        List<String> expected = null;
        Random random = new Random(7692);
        for (int attempt = 0; attempt < 40; attempt++) {
            start(0, 200, false);
            pings = 0;
            List<String> got = new ArrayList<>();
            int at = 0;
            while (at < wire.length) {
                int n = attempt == 0 ? wire.length : 1 + random.nextInt(attempt < 20 ? 7 : 3000);
                n = Math.min(n, wire.length - at);
                write(alloc.read(wire, at, at + n));
                at += n;
                drain(got);
            }
            assertThat(failure).isNull();
            if (expected == null) {
                expected = got;
                assertThat(expected).containsExactly("text:" + "héllo wörld ".repeat(500), "binary:" + "plain",
                        "binary:" + "z".repeat(300_000) + "end", "text:", "text:", "text:again");
                assertThat(pings).isEqualTo(1);
            } else {
                assertThat(got).as("split attempt %d", attempt).isEqualTo(expected);
                assertThat(pings).as("PING passes at once, whatever waits").isEqualTo(1);
            }
            assertThat(largestRead).isLessThanOrEqualTo(PerMessageInflateHandler.READ_BUDGET + wire.length);
            ch.finishAndReleaseAll();
            ch = null;
            assertThat(alloc.unreleased()).isEmpty();
        }
    }

    @Test
    void aReadServedFromWaitingInputYieldsAtMostOneReadOfBytes() {
        start(0, 0, false);
        byte[] zeros = new byte[TEN_MB];
        byte[] payload = Compressed.message(zeros);
        assertThat(payload.length).isLessThan(20_000);
        write(alloc.read(frame(FIN | RSV1 | ClientFrames.BINARY, payload), 0,
                frame(FIN | RSV1 | ClientFrames.BINARY, payload).length));
        List<String> got = new ArrayList<>();
        long total = drain(got);
        assertThat(total).isEqualTo(TEN_MB);
        assertThat(largestRead).as("each read, not the message, is what is held").isLessThanOrEqualTo(
                PerMessageInflateHandler.READ_BUDGET);
        assertThat(got).hasSize(1);
    }

    @Test
    void aBombInOneFrameIsRefusedWith1009AfterTheRatioFloor() {
        start(0, 200, false);
        byte[] bomb = frame(FIN | RSV1 | ClientFrames.BINARY, Compressed.message(new byte[TEN_MB]));
        write(alloc.read(bomb, 0, bomb.length));
        long total = drainUntilFailure();
        assertFailure(WebSocketCloseStatus.MESSAGE_TOO_BIG);
        assertThat(total).isBetween(FLOOR, FLOOR + PerMessageInflateHandler.READ_BUDGET);
        assertThat(largestRead).isLessThanOrEqualTo(PerMessageInflateHandler.READ_BUDGET);
    }

    @Test
    void aFragmentedBombIsRefusedWith1009Too() {
        start(0, 200, false);
        byte[] payload = Compressed.message(new byte[TEN_MB]);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (int at = 0; at < payload.length; at += 100) {
            int end = Math.min(payload.length, at + 100);
            int first = (end == payload.length ? FIN : 0) | (at == 0 ? RSV1 | ClientFrames.TEXT : ClientFrames.CONT);
            wire.writeBytes(frame(first, Arrays.copyOfRange(payload, at, end)));
        }
        byte[] bytes = wire.toByteArray();
        long total = 0;
        for (int at = 0; at < bytes.length && failure == null; at += 4096) {
            write(alloc.read(bytes, at, Math.min(bytes.length, at + 4096)));
            total += drainUntilFailure();
        }
        assertFailure(WebSocketCloseStatus.MESSAGE_TOO_BIG);
        assertThat(total).isBetween(FLOOR, FLOOR + PerMessageInflateHandler.READ_BUDGET);
    }

    @Test
    void maxMessageSizeCountsInflatedBytes() {
        start(100_000, 0, false);
        byte[] big = frame(FIN | RSV1 | ClientFrames.BINARY, Compressed.message(new byte[100_001]));
        write(alloc.read(big, 0, big.length));
        long total = drainUntilFailure();
        assertFailure(WebSocketCloseStatus.MESSAGE_TOO_BIG);
        assertThat(total).isLessThanOrEqualTo(100_000);
    }

    @Test
    void invalidDeflateDataIsRefused() {
        start(0, 200, false);
        byte[] junk = frame(FIN | RSV1 | ClientFrames.BINARY, new byte[] {(byte) 0xFF, (byte) 0xFF, 1, 2, 3});
        write(alloc.read(junk, 0, junk.length));
        drainUntilFailure();
        assertThat(failure).isInstanceOf(InvalidCompressedDataException.class);
    }

    @Test
    void invalidUtf8InsideACompressedTextMessageIs1007() {
        start(0, 200, false);
        byte[] text = frame(FIN | RSV1 | ClientFrames.TEXT, Compressed.message(new byte[] {'o', 'k', (byte) 0xC0}));
        write(alloc.read(text, 0, text.length));
        List<String> got = new ArrayList<>();
        drain(got);
        assertFailure(WebSocketCloseStatus.INVALID_PAYLOAD_DATA);
    }

    @Test
    void clientNoContextTakeoverResetsTheWindowPerMessage() {
        start(0, 200, true);
        byte[] data = "the same words again and again".getBytes(StandardCharsets.UTF_8);
        byte[] one = frame(FIN | RSV1 | ClientFrames.TEXT, Compressed.message(data));
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            write(alloc.read(one, 0, one.length));
            drain(got);
        }
        assertThat(failure).isNull();
        assertThat(got).containsOnly("text:the same words again and again").hasSize(3);
    }

    @Test
    void aMessageEndingWithBfinalIsFollowedByANewStream() {
        start(0, 200, false);
        Deflater finishing = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        finishing.setInput("first".getBytes(StandardCharsets.UTF_8));
        finishing.finish();
        byte[] out = new byte[100];
        byte[] first = Arrays.copyOf(out, finishing.deflate(out));
        finishing.end();
        byte[] wire = Compressed.concat(frame(FIN | RSV1 | ClientFrames.TEXT, first),
                frame(FIN | RSV1 | ClientFrames.TEXT, Compressed.message("second".getBytes(StandardCharsets.UTF_8))));
        write(alloc.read(wire, 0, wire.length));
        List<String> got = new ArrayList<>();
        drain(got);
        assertThat(failure).isNull();
        assertThat(got).containsExactly("text:first", "text:second");
    }

    @Test
    void rsv1OnAContinuationOrControlFrameIsAProtocolError() {
        for (int bad : new int[] {RSV1 | ClientFrames.CONT, FIN | RSV1 | ClientFrames.PING}) {
            start(0, 200, false);
            byte[] wire = bad == (RSV1 | ClientFrames.CONT)
                    ? Compressed.concat(frame(RSV1 | ClientFrames.TEXT, Compressed.message(new byte[] {'a'})),
                            frame(bad, new byte[] {1}))
                    : frame(bad, new byte[0]);
            write(alloc.read(wire, 0, wire.length));
            drain(new ArrayList<>());
            assertFailure(WebSocketCloseStatus.PROTOCOL_ERROR);
            ch.finishAndReleaseAll();
            ch = null;
        }
    }

    /** Compressed text in three fragments with a PING inside, plain binary, a big compressed one, two empty ones. */
    private static byte[] mixedStream() {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        byte[] text = Compressed.message(deflater, "héllo wörld ".repeat(500).getBytes(StandardCharsets.UTF_8));
        byte[] big = Compressed.message(deflater, ("z".repeat(300_000) + "end").getBytes(StandardCharsets.UTF_8));
        byte[] empty = Compressed.message(deflater, new byte[0]);
        byte[] again = Compressed.message(deflater, "again".getBytes(StandardCharsets.UTF_8));
        deflater.end();
        int third = text.length / 3;
        return concat(
                frame(RSV1 | ClientFrames.TEXT, Arrays.copyOfRange(text, 0, third)),
                frame(ClientFrames.CONT, Arrays.copyOfRange(text, third, 2 * third)),
                frame(FIN | ClientFrames.PING, new byte[0]),
                frame(FIN | ClientFrames.CONT, Arrays.copyOfRange(text, 2 * third, text.length)),
                frame(FIN | ClientFrames.BINARY, "plain".getBytes(StandardCharsets.UTF_8)),
                frame(FIN | RSV1 | ClientFrames.BINARY, big),
                frame(FIN | RSV1 | ClientFrames.TEXT, new byte[0]),
                frame(FIN | RSV1 | ClientFrames.TEXT, empty),
                frame(FIN | RSV1 | ClientFrames.TEXT, again));
    }

    private void start(long maxMessageSize, int maxRatio, boolean clientNoContextTakeover) {
        inflate = new PerMessageInflateHandler(maxMessageSize, maxRatio, FLOOR,
                new DeflateAgreement(false, clientNoContextTakeover, false), true);
        ch = new EmbeddedChannel(new ClientFrameDecoder(maxMessageSize, true, true), inflate);
        ch.config().setAllocator(alloc);
        ch.config().setAutoRead(false);
        largestRead = 0;
        failure = null;
    }

    /** Takes what came out, then asks for reads until nothing waits; collects messages as "kind:content". */
    private final StringBuilder message = new StringBuilder();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    private long drain(List<String> messages) {
        long total = 0;
        for (int reads = 0; reads < 100_000; reads++) {
            total += takeOutput(messages);
            if (failure != null || inflate.queuedBytes() == 0) {
                return total;
            }
            try {
                ch.read();
                ch.runPendingTasks();
                ch.checkException();
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        throw new AssertionError("the queue never drained");
    }

    /** One read's output: messages as "kind:content"; returns its data bytes. */
    private long takeOutput(List<String> messages) {
        long thisRead = 0;
        for (Object msg; (msg = ch.readInbound()) != null; ReferenceCountUtil.release(msg)) {
            if (msg instanceof ClientDataChunk chunk) {
                assertThat(chunk.compressed()).isFalse();
                thisRead += chunk.content().readableBytes();
                bytes.writeBytes(ByteBufUtil.getBytes(chunk.content()));
                if (chunk.endOfMessage()) {
                    byte[] all = bytes.toByteArray();
                    bytes.reset();
                    messages.add((chunk.text() ? "text:" : "binary:") + new String(all,
                            chunk.text() ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1));
                }
            } else if (msg instanceof PingWebSocketFrame) {
                pings++;
            }
        }
        largestRead = Math.max(largestRead, thisRead);
        return thisRead;
    }

    private long drainUntilFailure() {
        List<String> ignored = new ArrayList<>();
        return drain(ignored);
    }

    private void assertFailure(WebSocketCloseStatus status) {
        assertThat(failure).isInstanceOfSatisfying(CorruptedWebSocketFrameException.class,
                e -> assertThat(e.closeStatus()).isEqualTo(status));
    }

    private void write(ByteBuf input) {
        try {
            ch.writeInbound(input);
            ch.checkException();
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    private static byte[] frame(int firstByte, byte[] payload) {
        return ClientFrames.frame(firstByte, true, payload.length, payload, ClientFrames.MASK_KEY);
    }

    private static byte[] concat(byte[]... parts) {
        return ClientFrames.concat(parts);
    }
}
