package io.sluice.it.conformance;

import static io.sluice.it.conformance.Endings.closesCleanly;
import static io.sluice.it.conformance.Endings.failsWith;
import static io.sluice.it.conformance.Wire.FIN;
import static io.sluice.it.conformance.Wire.PING;
import static io.sluice.it.conformance.Wire.PONG;
import static io.sluice.it.conformance.Wire.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Autobahn section 2 (pings and pongs): every PING is answered by Sluice itself (never the backend) with a PONG
 * carrying the same payload, in order; an unsolicited PONG is ignored; a control frame over 125 bytes fails the
 * connection with 1002.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PingPongConformanceIT {
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

    static Stream<Arguments> pingPayloads() {
        byte[] binary = new byte[] {0x00, (byte) 0xFF, (byte) 0xFE, (byte) 0xFD, (byte) 0xFC, (byte) 0xFB, 0x00};
        return Stream.of(
                Arguments.of("empty", new byte[0]),
                Arguments.of("text", "Hello, world!".getBytes(StandardCharsets.UTF_8)),
                Arguments.of("binary", binary),
                Arguments.of("125 bytes", FramingConformanceIT.payload(Wire.BINARY, 125)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pingPayloads")
    void answersAPingWithAPongOfTheSamePayload(String name, byte[] payload) throws Exception {
        try (Wire ws = sluice.open("/text")) {
            ws.frame(FIN | PING, payload).flush();
            Wire.Frame pong = ws.read();
            assertThat(pong.opcode()).isEqualTo(PONG);
            assertThat(pong.payload()).isEqualTo(payload);
            closesCleanly(ws);
        }
    }

    @Test
    void answersAPingOf125BytesWrittenOneByteAtATime() throws Exception {
        try (Wire ws = sluice.open("/text")) {
            byte[] payload = FramingConformanceIT.payload(Wire.BINARY, 125);
            int mask = 0x0bad_cafe;
            ws.header(FIN | PING, true, 125, 0, mask).flush();
            for (int i = 0; i < payload.length; i++) {
                ws.payload(new byte[] {payload[i]}, mask, i).flush();
            }
            Wire.Frame pong = ws.read();
            assertThat(pong.opcode()).isEqualTo(PONG);
            assertThat(pong.payload()).isEqualTo(payload);
            closesCleanly(ws);
        }
    }

    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {PING, PONG})
    void failsAControlFrameOf126Bytes(int opcode) throws Exception {
        try (Wire ws = sluice.open("/text")) {
            ws.frame(FIN | opcode, new byte[126]).flush();
            failsWith(ws, 1002);
        }
    }

    @ParameterizedTest(name = "payload {0} bytes")
    @ValueSource(ints = {0, 10})
    void ignoresAnUnsolicitedPong(int length) throws Exception {
        try (Wire ws = sluice.open("/text")) {
            ws.frame(FIN | PONG, new byte[length]).frame(FIN | PING, "after".getBytes()).flush();
            Wire.Frame first = ws.read();
            assertThat(first.opcode()).as("nothing answers the unsolicited PONG").isEqualTo(PONG);
            assertThat(new String(first.payload(), StandardCharsets.UTF_8)).isEqualTo("after");
            closesCleanly(ws);
        }
    }

    @ParameterizedTest(name = "one write per byte: {0}")
    @ValueSource(booleans = {false, true})
    void answersTenPingsInOrder(boolean byteByByte) throws Exception {
        try (Wire ws = sluice.open("/text")) {
            for (int i = 0; i < 10; i++) {
                byte[] payload = ("payload-" + i).getBytes(StandardCharsets.US_ASCII);
                if (byteByByte) {
                    int mask = 0x7700_0000 + i;
                    ws.header(FIN | PING, true, payload.length, 0, mask).flush();
                    for (int b = 0; b < payload.length; b++) {
                        ws.payload(new byte[] {payload[b]}, mask, b).flush();
                    }
                } else {
                    ws.frame(FIN | PING, payload);
                }
            }
            ws.flush();
            for (int i = 0; i < 10; i++) {
                Wire.Frame pong = ws.read();
                assertThat(pong.opcode()).isEqualTo(PONG);
                assertThat(new String(pong.payload(), StandardCharsets.US_ASCII)).isEqualTo("payload-" + i);
            }
            closesCleanly(ws);
        }
    }

    @Test
    void answersAPingBetweenTwoEchoedMessages() throws Exception {
        try (Wire ws = sluice.open("/text")) {
            ws.text("before").flush();
            assertThat(ws.echo(6, TEXT)).isEqualTo("before".getBytes());
            ws.frame(FIN | PING, "p".getBytes()).flush();
            assertThat(ws.read().opcode()).isEqualTo(PONG);
            ws.text("after").flush();
            assertThat(ws.echo(5, TEXT)).isEqualTo("after".getBytes());
            closesCleanly(ws);
        }
    }
}
