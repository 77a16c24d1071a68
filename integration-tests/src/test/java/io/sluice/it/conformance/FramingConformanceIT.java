package io.sluice.it.conformance;

import static io.sluice.it.conformance.Endings.closesCleanly;
import static io.sluice.it.conformance.Endings.failsWith;
import static io.sluice.it.conformance.Wire.BINARY;
import static io.sluice.it.conformance.Wire.CLOSE;
import static io.sluice.it.conformance.Wire.CONT;
import static io.sluice.it.conformance.Wire.FIN;
import static io.sluice.it.conformance.Wire.PING;
import static io.sluice.it.conformance.Wire.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Autobahn section 1 (framing) and the payload length encodings of RFC 6455 §5.2, against an echo backend.
 *
 * <p>Differs on purpose from a strict echo server: Sluice tunnels bytes, so what comes back is the same byte
 * stream in frames of whatever size the backend's reads have, each a whole message; an empty message sends the
 * backend nothing, so nothing comes back for it (each case sends a one-byte marker after its message to show that
 * the stream holds exactly the message's bytes). Non-minimal length encodings are accepted (as lighttpd does), and a
 * frame longer than memory streams through as it arrives.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FramingConformanceIT {
    private EchoSluice sluice;

    @BeforeAll
    void start() throws Exception {
        sluice = EchoSluice.start();
    }

    @AfterAll
    void stop() throws Exception {
        if (sluice != null) {
            sluice.close();
        }
    }

    static byte[] payload(int opcode, int length) {
        byte[] bytes = new byte[length];
        if (opcode == TEXT) {
            for (int i = 0; i < length; i++) {
                bytes[i] = (byte) ('a' + i % 26);
            }
        } else {
            new Random(length).nextBytes(bytes);
        }
        return bytes;
    }

    static Stream<Arguments> lengths() {
        return Stream.of(0, 1, 125, 126, 127, 128, 65_535, 65_536, 65_537, 1 << 20)
                .flatMap(n -> Stream.of(Arguments.of(TEXT, n), Arguments.of(BINARY, n)));
    }

    @ParameterizedTest(name = "opcode {0}, {1} bytes")
    @MethodSource("lengths")
    void echoesAMessageOfEveryBoundaryLengthAsTheSameByteStream(int opcode, int length) throws Exception {
        try (Wire ws = sluice.open(opcode == TEXT ? "/text" : "/binary")) {
            byte[] message = payload(opcode, length);
            ws.frame(FIN | opcode, message).frame(FIN | opcode, new byte[] {'#'}).flush();
            assertThat(ws.echo(length + 1, opcode)).isEqualTo(concat(message, new byte[] {'#'}));
            closesCleanly(ws);
        }
    }

    @ParameterizedTest(name = "{0} bytes in a {1}-byte length field")
    @CsvSource({"0, 2", "1, 2", "125, 2", "0, 8", "1, 8", "125, 8", "126, 8", "65535, 8"})
    void acceptsNonMinimalLengthEncodings(int length, int lengthBytes) throws Exception {
        try (Wire ws = sluice.open("/binary")) {
            byte[] message = payload(BINARY, length);
            ws.frame(FIN | BINARY, message, lengthBytes).frame(FIN | BINARY, new byte[] {'#'}).flush();
            assertThat(ws.echo(length + 1, BINARY)).isEqualTo(concat(message, new byte[] {'#'}));
            closesCleanly(ws);
        }
    }

    @ParameterizedTest(name = "length {0}")
    @ValueSource(longs = {1L << 32, (1L << 32) + 1, Long.MAX_VALUE})
    void streamsAFrameOfFourGibibytesAndMoreAsItArrives(long length) throws Exception {
        try (Wire ws = sluice.open("/binary")) {
            int mask = 0x1234_5678;
            ws.header(FIN | BINARY, true, length, 8, mask);
            byte[] part = payload(BINARY, 200_000);
            ws.payload(part, mask, 0).flush();
            // the frame is far from complete: what came so far is echoed anyway
            assertThat(ws.echo(part.length, BINARY)).isEqualTo(part);
        }
    }

    @ParameterizedTest(name = "length field {0}")
    @ValueSource(longs = {Long.MIN_VALUE, -1L, Long.MIN_VALUE + 65_536})
    void refusesA64BitLengthWithItsTopBitSet(long length) throws Exception {
        try (Wire ws = sluice.open("/binary")) {
            ws.header(FIN | BINARY, true, length, 8, 0x0102_0304).raw(new byte[16]).flush();
            failsWith(ws, 1002);
        }
    }

    @Test
    void refusesTheTopBitAsSoonAsTheFirstLengthByteArrives() throws Exception {
        try (Wire ws = sluice.open("/binary")) {
            ws.raw(new byte[] {(byte) (FIN | BINARY), (byte) 0xFF, (byte) 0x80}).flush(); // 7 more bytes never come
            failsWith(ws, 1002);
        }
    }

    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {TEXT, BINARY, CONT, PING, CLOSE})
    void refusesAnUnmaskedClientFrame(int opcode) throws Exception {
        try (Wire ws = sluice.open("/text")) {
            ws.unmasked(FIN | opcode, opcode == CLOSE ? new byte[] {0x03, (byte) 0xE8} : "Hello".getBytes()).flush();
            failsWith(ws, 1002);
        }
    }

    @Test
    void refusesAnUnmaskedFrameWithAnEmptyPayload() throws Exception {
        try (Wire ws = sluice.open("/text")) {
            ws.unmasked(FIN | TEXT, new byte[0]).flush();
            failsWith(ws, 1002);
        }
    }

    @Test
    void acceptsAllZeroMaskKeys() throws Exception {
        try (Wire ws = sluice.open("/text")) {
            byte[] message = "Hello, world!".getBytes();
            ws.header(FIN | TEXT, true, message.length, 0, 0).raw(message).flush();
            assertThat(ws.echo(message.length, TEXT)).isEqualTo(message);
            closesCleanly(ws);
        }
    }

    @ParameterizedTest(name = "{0} bytes in {1}-byte writes")
    @CsvSource({"65536, 997", "65536, 1", "4096, 3"})
    void echoesAMessageWrittenInSmallPieces(int length, int chunk) throws Exception {
        try (Wire ws = sluice.open("/text")) {
            byte[] message = payload(TEXT, length);
            int mask = 0x5a3c_9f21;
            ws.header(FIN | TEXT, true, length, 0, mask).flush();
            for (int at = 0; at < length; at += chunk) {
                byte[] piece = java.util.Arrays.copyOfRange(message, at, Math.min(length, at + chunk));
                ws.payload(piece, mask, at).flush();
            }
            assertThat(ws.echo(length, TEXT)).isEqualTo(message);
            closesCleanly(ws);
        }
    }

    @Test
    void echoesManySmallMessagesSentBackToBack() throws Exception {
        try (Wire ws = sluice.open("/binary")) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int i = 0; i < 1000; i++) {
                byte[] message = payload(BINARY, i % 17);
                all.writeBytes(message);
                ws.frame(FIN | BINARY, message);
            }
            ws.flush();
            assertThat(ws.echo(all.size(), BINARY)).isEqualTo(all.toByteArray());
            closesCleanly(ws);
        }
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
