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
import io.sluice.tunnel.property.Gen;
import io.sluice.tunnel.property.Property;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
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
    }

    /**
     * A connection: the subprotocol asked for (none = the route's text), the frames, the bytes fed (the frames', a
     * few of them changed) and where they are split into reads.
     */
    record Sample(String subprotocol, List<Frame> frames, byte[] wire, int[] cuts) {
    }

    @Test
    void anyClientBytesEndInADefinedCloseWithNothingLeaked() {
        Property.forAll(300, ClientPipelinePropertyTest::sample, sample -> {
            ListAppender<ILoggingEvent> log = watchLog();
            try {
                EmbeddedConnection connection = upgrade(LIMITED, sample.subprotocol());
                feed(connection, sample.wire(), sample.cuts());
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
                assertThat(log.list).as("nothing logged as unexpected").noneMatch(e -> e.getLevel()
                        .isGreaterOrEqual(Level.WARN));
            } finally {
                unwatchLog(log);
            }
        });
    }

    @Test
    void aValidBinaryStreamReachesTheBackendWholeAndEveryPingIsAnswered() {
        Property.forAll(200, ClientPipelinePropertyTest::validSample, sample -> {
            EmbeddedConnection connection = upgrade(UNLIMITED, "binary");
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            List<String> pings = new ArrayList<>();
            for (Frame f : sample.frames()) {
                if ((f.firstByte() & 0x0F) == 0x9) {
                    pings.add(HexFormat.of().formatHex(f.payload()));
                } else if ((f.firstByte() & 0x08) == 0) {
                    data.writeBytes(f.payload());
                }
            }
            feed(connection, sample.wire(), sample.cuts());
            assertThat(connection.backendGot()).isEqualTo(data.toByteArray());
            List<String> pongs = serverFrames(connection.written()).stream()
                    .peek(frame -> assertThat(frame[0]).isEqualTo(0xA))
                    .map(frame -> HexFormat.of().formatHex(Arrays.copyOfRange(toBytes(frame), 2, frame.length)))
                    .toList();
            assertThat(pongs).isEqualTo(pings);
            connection.client.close();
            connection.advance(5);
            assertThat(connection.registry.count("released")).isEqualTo(1);
            assertThat(connection.finish()).isEmpty();
        });
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

    private static void feed(EmbeddedConnection connection, byte[] wire, int[] points) {
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

    /** Up to six frames of mostly sensible first bytes and payloads (binary, base64, text, a close code). */
    private static Sample sample(Gen g) {
        String subprotocol = g.oneIn(3) ? null : g.oneOf("binary", "base64");
        List<Frame> frames = g.list(0, 6, () -> new Frame(firstByte(g), payload(g), g.anyInt()));
        byte[] wire = wire(frames);
        for (int n = g.between(0, 2); n > 0 && wire.length > 0; n--) {
            wire[g.between(0, wire.length - 1)] ^= (byte) (g.between(0, 255) | 1);
        }
        return new Sample(subprotocol, frames, wire, g.cuts(wire.length, 8));
    }

    private static int firstByte(Gen g) {
        return g.weighted(6, 1) == 0 ? g.oneOf(0x81, 0x82, 0x80, 0x01, 0x02, 0x00, 0x89, 0x8A, 0x88)
                : g.between(0, 255);
    }

    private static byte[] payload(Gen g) {
        return switch (g.between(0, 3)) {
            case 0 -> g.bytes(200);
            case 1 -> g.string("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=", 40)
                    .getBytes(StandardCharsets.US_ASCII);
            case 2 -> g.string(Character.MIN_VALUE, Character.MAX_VALUE, 40).getBytes(StandardCharsets.UTF_8);
            default -> {
                int code = g.between(0, 0xFFFF);
                yield new byte[] {(byte) (code >>> 8), (byte) code};
            }
        };
    }

    /** Up to three valid binary messages (fragmented or not) with a PING between fragments; no CLOSE. */
    private static Sample validSample(Gen g) {
        List<Frame> frames = new ArrayList<>();
        for (int m = g.size(0, 3); m > 0; m--) {
            List<byte[]> parts = g.list(1, 3, () -> g.bytes(300));
            byte[] ping = g.bool() ? null : g.bytes(125);
            int mask = g.anyInt();
            for (int i = 0; i < parts.size(); i++) {
                int op = i == 0 ? 0x2 : 0x0;
                frames.add(new Frame((i == parts.size() - 1 ? 0x80 : 0) | op, parts.get(i), mask + i));
                if (ping != null && i < parts.size() - 1) {
                    frames.add(new Frame(0x89, ping, ~mask));
                }
            }
        }
        byte[] wire = wire(frames);
        return new Sample("binary", frames, wire, g.cuts(wire.length, 8));
    }

    private static byte[] wire(List<Frame> frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        frames.forEach(f -> encode(out, f));
        return out.toByteArray();
    }
}
