package io.sluice.tunnel.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.sluice.tunnel.config.FrameType;
import io.sluice.tunnel.config.SluiceConfig;
import io.sluice.tunnel.frame.Utf8Validator;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.slf4j.LoggerFactory;

/**
 * Properties of a whole client connection after the 101 (WebSocket encoder, frame decoder, session, relay, base64
 * decoder), fed client bytes in any split: nothing is thrown out of the pipeline, the server sends only PONGs and at
 * most one CLOSE with a code a server may send, the connection and the backend end, the lease is released once, no
 * buffer stays referenced and nothing is logged as an unexpected failure. A valid stream's data reaches the backend
 * byte for byte.
 */
class ClientPipelinePropertyTest {
    /** With {@code max-message-size: 100}, so that random input meets the 1009 path too. */
    private static final SluiceConfig LIMITED = config(100);
    private static final SluiceConfig UNLIMITED = config(0);

    /** One client frame as sent. */
    record Frame(int firstByte, byte[] payload, int maskKey) {
        @Override
        public String toString() {
            return "Frame(%02x %s)".formatted(firstByte, java.util.HexFormat.of().formatHex(payload));
        }
    }

    /** A connection: the subprotocol asked for (none = the route's text), the frames, byte changes, read cuts. */
    record Sample(String subprotocol, List<Frame> frames, List<Integer> changes, List<Integer> cuts) {
        byte[] wire() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            frames.forEach(f -> encode(out, f));
            byte[] wire = out.toByteArray();
            for (int i = 0; i + 1 < changes.size() && wire.length > 0; i += 2) {
                wire[Math.floorMod(changes.get(i), wire.length)] ^= (byte) (changes.get(i + 1) | 1);
            }
            return wire;
        }
    }

    @Property(tries = 300)
    void anyClientBytesEndInADefinedCloseWithNothingLeaked(@ForAll("samples") Sample sample) {
        ListAppender<ILoggingEvent> log = watchLog();
        try {
            EmbeddedConnection connection = upgrade(LIMITED, sample.subprotocol());
            byte[] wire = sample.wire();
            feed(connection, wire, sample.cuts());
            List<int[]> frames = serverFrames(connection.written());
            int closes = 0;
            for (int[] frame : frames) {
                assertThat(frame[0]).as("only PONG and CLOSE, the backend is silent").isIn(0xA, 0x8);
                assertThat(closes).as("nothing after a CLOSE").isZero();
                if (frame[0] == 0x8) {
                    closes++;
                    assertThat(WebSocketCloseStatus.isValidStatusCode(frame[1])).as("close code %d", frame[1])
                            .isTrue();
                }
            }
            if (closes == 0) {
                connection.client.close(); // the client goes away: nobody to send a CLOSE to
            }
            connection.advance(5);
            assertThat(connection.client.isOpen()).isFalse();
            assertThat(connection.backend.isOpen()).isFalse();
            assertThat(connection.registry.count("released")).isEqualTo(1);
            assertThat(connection.finish()).as("buffers still referenced").isEmpty();
            assertThat(log.list).as("nothing logged as unexpected").noneMatch(e -> e.getLevel().isGreaterOrEqual(
                    Level.WARN));
        } finally {
            unwatchLog(log);
        }
    }

    @Property(tries = 200)
    void aValidBinaryStreamReachesTheBackendWholeAndEveryPingIsAnswered(
            @ForAll("validFrames") List<Frame> frames, @ForAll("cuts") List<Integer> cuts) {
        EmbeddedConnection connection = upgrade(UNLIMITED, "binary");
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        List<String> pings = new ArrayList<>();
        for (Frame f : frames) {
            if ((f.firstByte() & 0x0F) == 0x9) {
                pings.add(java.util.HexFormat.of().formatHex(f.payload()));
            } else if ((f.firstByte() & 0x08) == 0) {
                data.writeBytes(f.payload());
            }
        }
        feed(connection, new Sample("binary", frames, List.of(), cuts).wire(), cuts);
        assertThat(connection.backendGot()).isEqualTo(data.toByteArray());
        List<String> pongs = serverFrames(connection.written()).stream()
                .peek(frame -> assertThat(frame[0]).isEqualTo(0xA))
                .map(frame -> java.util.HexFormat.of().formatHex(Arrays.copyOfRange(
                        toBytes(frame), 2, frame.length)))
                .toList();
        assertThat(pongs).isEqualTo(pings);
        connection.client.close();
        connection.advance(5);
        assertThat(connection.registry.count("released")).isEqualTo(1);
        assertThat(connection.finish()).isEmpty();
    }

    // ---- driving the connection ----

    private static SluiceConfig config(long maxMessageSize) {
        return TestConfigs.config(TestConfigs.server(null, 100, Duration.ZERO, maxMessageSize), List.of(),
                TestConfigs.route("/echo", FrameType.TEXT, List.of(), Duration.ZERO, Duration.ZERO));
    }

    private static EmbeddedConnection upgrade(SluiceConfig config, String subprotocol) {
        EmbeddedConnection connection = new EmbeddedConnection(config);
        String head = "GET /echo HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + (subprotocol == null ? "" : "Sec-WebSocket-Protocol: " + subprotocol + "\r\n") + "\r\n";
        byte[] bytes = head.getBytes(StandardCharsets.US_ASCII);
        connection.read(bytes, 0, bytes.length);
        assertThat(new String(connection.written(), StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 101 ");
        return connection;
    }

    private static void feed(EmbeddedConnection connection, byte[] wire, List<Integer> cuts) {
        int[] points = cuts.stream().mapToInt(c -> Math.floorMod(c, wire.length + 1)).sorted().toArray();
        int from = 0;
        for (int i = 0; i <= points.length && connection.client.isOpen(); i++) {
            int to = i < points.length ? points[i] : wire.length;
            connection.read(wire, from, to);
            from = to;
        }
    }

    /**
     * Parses the server's frames: each as {opcode, close code or -1, payload bytes...}; asserts they are unmasked,
     * final and whole, and that a CLOSE reason is UTF-8.
     */
    private static List<int[]> serverFrames(byte[] bytes) {
        List<int[]> frames = new ArrayList<>();
        int i = 0;
        while (i < bytes.length) {
            assertThat(bytes.length - i).as("a whole frame header").isGreaterThanOrEqualTo(2);
            int b0 = bytes[i] & 0xFF;
            int b1 = bytes[i + 1] & 0xFF;
            assertThat(b0 & 0xF0).as("FIN and no reserved bits").isEqualTo(0x80);
            assertThat(b1 & 0x80).as("server frames are not masked").isZero();
            int length = b1 & 0x7F;
            assertThat(length).as("control frames only here").isLessThanOrEqualTo(125);
            i += 2;
            assertThat(bytes.length - i).as("a whole payload").isGreaterThanOrEqualTo(length);
            int[] frame = new int[2 + length];
            frame[0] = b0 & 0x0F;
            frame[1] = length >= 2 ? (bytes[i] & 0xFF) << 8 | bytes[i + 1] & 0xFF : -1;
            for (int k = 0; k < length; k++) {
                frame[2 + k] = bytes[i + k] & 0xFF;
            }
            if (frame[0] == 0x8 && length > 2) {
                assertThat(Utf8Validator.isValid(Unpooled.wrappedBuffer(bytes, i + 2, length - 2), 0, length - 2))
                        .as("close reason is UTF-8").isTrue();
            }
            i += length;
            frames.add(frame);
        }
        return frames;
    }

    private static byte[] toBytes(int[] frame) {
        byte[] bytes = new byte[frame.length];
        for (int k = 0; k < frame.length; k++) {
            bytes[k] = (byte) frame[k];
        }
        return bytes;
    }

    private static ListAppender<ILoggingEvent> watchLog() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger("io.sluice")).addAppender(appender);
        return appender;
    }

    private static void unwatchLog(ListAppender<ILoggingEvent> appender) {
        ((Logger) LoggerFactory.getLogger("io.sluice")).detachAppender(appender);
        appender.stop();
    }

    static void encode(ByteArrayOutputStream out, Frame f) {
        out.write(f.firstByte());
        int n = f.payload().length;
        if (n < 126) {
            out.write(0x80 | n);
        } else {
            out.write(0x80 | 126);
            out.write(n >>> 8);
            out.write(n);
        }
        for (int shift = 24; shift >= 0; shift -= 8) {
            out.write(f.maskKey() >>> shift);
        }
        for (int i = 0; i < n; i++) {
            out.write(f.payload()[i] ^ f.maskKey() >>> (24 - 8 * (i & 3)));
        }
    }

    // ---- generators ----

    @Provide
    Arbitrary<Sample> samples() {
        Arbitrary<String> subprotocol = Arbitraries.of("binary", "base64").injectNull(0.34);
        Arbitrary<Integer> firstByte = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.of(0x81, 0x82, 0x80, 0x01, 0x02, 0x00, 0x89, 0x8A, 0x88)),
                Tuple.of(1, Arbitraries.integers().between(0, 255)));
        Arbitrary<byte[]> payload = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(200),
                Arbitraries.strings().withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
                        .ofMaxLength(40).map(s -> s.getBytes(StandardCharsets.US_ASCII)),
                Arbitraries.strings().all().ofMaxLength(40).map(s -> s.getBytes(StandardCharsets.UTF_8)),
                Arbitraries.integers().between(0, 0xFFFF).map(code -> new byte[] {(byte) (code >>> 8),
                    (byte) (int) code}));
        Arbitrary<Frame> frame = Combinators.combine(firstByte, payload, Arbitraries.integers()).as(Frame::new);
        return Combinators.combine(subprotocol, frame.list().ofMaxSize(6),
                Arbitraries.integers().list().ofMaxSize(4), cuts()).as(Sample::new);
    }

    /** Valid binary messages (fragmented or not) with PINGs between frames; no CLOSE. */
    @Provide
    Arbitrary<List<Frame>> validFrames() {
        Arbitrary<byte[]> payload = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<List<Frame>> message = Combinators.combine(payload.list().ofMinSize(1).ofMaxSize(3),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(125).injectNull(0.5), Arbitraries.integers())
                .as((parts, ping, mask) -> {
                    List<Frame> frames = new ArrayList<>();
                    for (int i = 0; i < parts.size(); i++) {
                        int op = i == 0 ? 0x2 : 0x0;
                        frames.add(new Frame((i == parts.size() - 1 ? 0x80 : 0) | op, parts.get(i), mask + i));
                        if (ping != null && i < parts.size() - 1) {
                            frames.add(new Frame(0x89, ping, ~mask));
                        }
                    }
                    return frames;
                });
        return message.list().ofMaxSize(3).map(ms -> ms.stream().flatMap(List::stream).toList());
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().between(0, 2000).list().ofMaxSize(8);
    }
}
