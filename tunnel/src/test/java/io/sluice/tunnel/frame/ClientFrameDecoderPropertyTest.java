package io.sluice.tunnel.frame;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.sluice.tunnel.property.Gen;
import io.sluice.tunnel.property.Property;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Properties of {@link ClientFrameDecoder} over generated client byte streams: a valid stream decodes to what its
 * model says whatever the reads' split; any stream (valid, mutated or random) has one outcome whatever the split,
 * ends only in a defined status, and leaves no buffer unreleased.
 */
class ClientFrameDecoderPropertyTest {
    private static final HexFormat HEX = HexFormat.of();

    /** One frame as sent: {@code lengthForm} 0 = minimal, 1 = at least 16-bit, 2 = 64-bit length encoding. */
    record Frame(int opcode, boolean fin, byte[] payload, int lengthForm, int maskKey) {
        boolean control() {
            return opcode >= ClientFrames.CLOSE;
        }
    }

    /** A generated client byte stream: frames, bytes after them, and the decoder's message limit (0 = none). */
    record Sample(List<Frame> frames, byte[] trailer, long maxMessageSize) {
        byte[] wire() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            frames.forEach(f -> encode(out, f));
            out.writeBytes(trailer);
            return out.toByteArray();
        }
    }

    /** A stream as sent, the bytes that are fed (the stream's, maybe changed) and where they are split. */
    record Input(Sample stream, byte[] wire, int[] cuts) {
    }

    // ---- properties ----

    @Test
    void aValidStreamDecodesToItsModelWhateverTheSplit() {
        Property.forAll(300, g -> split(validStream(g), g), in -> {
            List<String> expected = model(in.stream());
            assertThat(decode(in.wire(), new int[0], in.stream().maxMessageSize())).isEqualTo(expected);
            assertThat(decode(in.wire(), in.cuts(), in.stream().maxMessageSize())).isEqualTo(expected);
        });
    }

    @Test
    void aMutatedStreamHasOneOutcomeWhateverTheSplit() {
        Property.forAll(300, g -> {
            Sample stream = validStream(g);
            byte[] wire = stream.wire();
            for (int n = g.between(1, 3); n > 0 && wire.length > 0; n--) {
                wire[g.between(0, wire.length - 1)] ^= (byte) (g.between(0, 255) | 1);
            }
            return new Input(stream, wire, g.cuts(wire.length, 30));
        }, in -> {
            List<String> whole = decode(in.wire(), new int[0], in.stream().maxMessageSize());
            assertThat(decode(in.wire(), in.cuts(), in.stream().maxMessageSize())).isEqualTo(whole);
        });
    }

    @Test
    void randomBytesHaveOneOutcomeWhateverTheSplit() {
        Property.forAll(300, g -> {
            byte[] wire = g.bytes(200);
            return new Input(null, wire, g.cuts(wire.length, 30));
        }, in -> {
            List<String> whole = decode(in.wire(), new int[0], 0);
            assertThat(decode(in.wire(), in.cuts(), 0)).isEqualTo(whole);
        });
    }

    private static Input split(Sample stream, Gen g) {
        byte[] wire = stream.wire();
        return new Input(stream, wire, g.cuts(wire.length, 30));
    }

    // ---- running the decoder ----

    /**
     * Feeds {@code wire} in the pieces {@code cuts} make and returns the normalised outcome. Asserts on the way: only
     * {@code CorruptedWebSocketFrameException} with 1002, 1007 or 1009 comes out, at most once, nothing is emitted
     * after it or after a CLOSE, and every buffer is released once the channel closes.
     */
    static List<String> decode(byte[] wire, int[] cuts, long maxMessageSize) {
        LeakCheckingAllocator alloc = new LeakCheckingAllocator();
        ClientFrameDecoder decoder = new ClientFrameDecoder(maxMessageSize, true);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);
        ch.config().setAllocator(alloc);
        Normaliser out = new Normaliser();
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : wire.length;
            try {
                ch.writeInbound(alloc.read(wire, from, to));
                drain(ch, out);
            } catch (CorruptedWebSocketFrameException e) {
                drain(ch, out);
                out.violation(e.closeStatus().code());
            }
            from = to;
        }
        assertThat(ch.finish()).isFalse();
        assertThat(decoder.bufferedBytes()).isZero();
        assertThat(alloc.unreleased()).as("buffers still referenced").isEmpty();
        return out.finish();
    }

    private static void drain(EmbeddedChannel ch, Normaliser out) {
        for (Object msg; (msg = ch.readInbound()) != null; ) {
            try {
                if (msg instanceof ClientDataChunk chunk) {
                    out.data(chunk.text(), ByteBufUtil.getBytes(chunk.content()), chunk.endOfMessage());
                } else if (msg instanceof PingWebSocketFrame ping) {
                    out.control("ping:" + ByteBufUtil.hexDump(ping.content()));
                } else if (msg instanceof PongWebSocketFrame pong) {
                    out.control("pong:" + ByteBufUtil.hexDump(pong.content()));
                } else if (msg instanceof CloseWebSocketFrame close) {
                    out.control("close:" + ByteBufUtil.hexDump(close.content()));
                } else {
                    throw new AssertionError("unexpected message " + msg);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    /**
     * The outcome with read boundaries taken out: consecutive data bytes of one message between control frames
     * are merged, empty pieces that end nothing are dropped. Checks that nothing follows a CLOSE or a violation.
     */
    static final class Normaliser {
        private final List<String> events = new ArrayList<>();
        private final ByteArrayOutputStream run = new ByteArrayOutputStream();
        private String runKind;
        private boolean ended;

        void data(boolean text, byte[] bytes, boolean end) {
            assertThat(ended).as("data after the end: %s", events).isFalse();
            if (bytes.length == 0 && !end) {
                return;
            }
            String kind = text ? "text" : "binary";
            assertThat(runKind == null || runKind.equals(kind)).as("one message changed kind").isTrue();
            runKind = kind;
            run.writeBytes(bytes);
            if (end) {
                events.add(runKind + ":" + HEX.formatHex(run.toByteArray()) + "|end");
                run.reset();
                runKind = null;
            }
        }

        void control(String event) {
            assertThat(ended).as("a frame after the end: %s", events).isFalse();
            flushRun();
            events.add(event);
            ended = event.startsWith("close:");
        }

        void violation(int status) {
            assertThat(ended).as("a second end: %s then %d", events, status).isFalse();
            assertThat(status).isIn(1002, 1007, 1009);
            flushRun();
            events.add("violation:" + status);
            ended = true;
        }

        private void flushRun() {
            if (runKind != null) {
                events.add(runKind + ":" + HEX.formatHex(run.toByteArray()));
                run.reset();
                runKind = null;
            }
        }

        List<String> finish() {
            flushRun();
            return List.copyOf(events);
        }
    }

    // ---- the model ----

    /** What a correct decoder emits for a valid stream: every frame in order, up to a CLOSE or the message limit. */
    static List<String> model(Sample stream) {
        Normaliser out = new Normaliser();
        boolean text = false;
        long messageBytes = 0;
        for (Frame f : stream.frames()) {
            if (f.control()) {
                String name = f.opcode() == ClientFrames.PING ? "ping:" : f.opcode() == ClientFrames.PONG
                        ? "pong:" : "close:";
                out.control(name + HEX.formatHex(f.payload()));
                if (f.opcode() == ClientFrames.CLOSE) {
                    break;
                }
                continue;
            }
            if (f.opcode() != ClientFrames.CONT) {
                text = f.opcode() == ClientFrames.TEXT;
                messageBytes = 0;
            }
            messageBytes += f.payload().length;
            if (stream.maxMessageSize() > 0 && messageBytes > stream.maxMessageSize()) {
                out.violation(1009);
                break;
            }
            out.data(text, f.payload(), f.fin());
        }
        return out.finish();
    }

    static void encode(ByteArrayOutputStream out, Frame f) {
        out.write((f.fin() ? 0x80 : 0) | f.opcode());
        long n = f.payload().length;
        int form = f.control() ? 0 : f.lengthForm();
        if (form == 0 && n < 126) {
            out.write(0x80 | (int) n);
        } else if (form <= 1 && n <= 0xFFFF) {
            out.write(0x80 | 126);
            out.write((int) (n >>> 8));
            out.write((int) n);
        } else {
            out.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) (n >>> shift));
            }
        }
        for (int shift = 24; shift >= 0; shift -= 8) {
            out.write(f.maskKey() >>> shift);
        }
        byte[] payload = f.payload();
        for (int i = 0; i < payload.length; i++) {
            out.write(payload[i] ^ f.maskKey() >>> (24 - 8 * (i & 3)));
        }
    }

    // ---- generators ----

    /** A data message: its content, where it is cut into fragments, and the control frames after each fragment. */
    record Message(boolean text, byte[] content, int[] cuts, List<List<byte[]>> pings) {
    }

    /**
     * Up to four messages, fragmented or not, with PINGs and PONGs between fragments, in a mix of length encodings,
     * then maybe a CLOSE and bytes after it; with a message limit or none.
     */
    static Sample validStream(Gen g) {
        List<Message> messages = g.list(0, 4, () -> message(g));
        byte[] close = g.bool() ? null : closePayload(g);
        byte[] trailer = g.bytes(200);
        List<Integer> forms = g.list(1, 8, () -> g.between(0, 2));
        int maskKey = g.anyInt();
        long limit = g.oneOf(0L, 0L, 0L, 1L, 125L, 300L, 65_536L);
        return stream(messages, close, trailer, forms, maskKey, limit);
    }

    private static Sample stream(List<Message> messages, byte[] close, byte[] trailer, List<Integer> forms,
            int maskKey, long limit) {
        List<Frame> frames = new ArrayList<>();
        Random keys = new Random(maskKey);
        for (Message m : messages) {
            int[] cuts = m.cuts();
            int from = 0;
            for (int i = 0; i <= cuts.length; i++) {
                int to = i < cuts.length ? cuts[i] : m.content().length;
                int opcode = i > 0 ? ClientFrames.CONT : m.text() ? ClientFrames.TEXT : ClientFrames.BINARY;
                int form = forms.get(frames.size() % forms.size());
                frames.add(new Frame(opcode, i == cuts.length, Arrays.copyOfRange(m.content(), from, to),
                        form, frames.isEmpty() ? maskKey : keys.nextInt()));
                if (i < m.pings().size()) {
                    for (byte[] ping : m.pings().get(i)) {
                        int op = (ping.length & 1) == 0 ? ClientFrames.PING : ClientFrames.PONG;
                        frames.add(new Frame(op, true, ping, 0, keys.nextInt()));
                    }
                }
                from = to;
            }
        }
        if (close != null) {
            frames.add(new Frame(ClientFrames.CLOSE, true, close, 0, keys.nextInt()));
        }
        // without a CLOSE the trailer would be read as frames: keep it only where the decoder must ignore it
        return new Sample(frames, close == null ? new byte[0] : trailer, limit);
    }

    private static Message message(Gen g) {
        boolean text = g.bool();
        byte[] content = switch (g.weighted(8, 4, 1)) {
            case 0 -> g.utf8(60);
            case 1 -> g.bytes(300);
            // payloads at the length encodings' boundaries
            default -> g.bytesOfSize(g.oneOf(125, 126, 127, 65_535, 65_536));
        };
        // a text message carries UTF-8; random bytes stand for binary only
        byte[] bytes = text && !isUtf8(content)
                ? new String(content, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8) : content;
        int[] cuts = g.cuts(bytes.length, 4);
        List<List<byte[]>> pings = g.list(0, 4, () -> g.list(0, 2, () -> g.bytes(125)));
        return new Message(text, bytes, cuts, pings);
    }

    /** A valid CLOSE payload: empty, or a code RFC 6455 allows on the wire and a short UTF-8 reason. */
    private static byte[] closePayload(Gen g) {
        if (g.oneIn(6)) {
            return new byte[0];
        }
        int code = g.bool() ? g.oneOf(1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014)
                : g.between(3000, 4999);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(code >>> 8);
        out.write(code);
        String text = new String(g.utf8(60), StandardCharsets.UTF_8);
        while (text.getBytes(StandardCharsets.UTF_8).length > 123) {
            text = text.substring(0, text.offsetByCodePoints(0, text.codePointCount(0, text.length()) - 1));
        }
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static boolean isUtf8(byte[] bytes) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        return Utf8Validator.isValid(buf, 0, bytes.length);
    }
}
