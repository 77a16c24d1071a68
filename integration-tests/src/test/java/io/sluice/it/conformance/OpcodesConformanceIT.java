package io.sluice.it.conformance;

import static io.sluice.it.conformance.Endings.closesCleanly;
import static io.sluice.it.conformance.Endings.failsWith;
import static io.sluice.it.conformance.Wire.FIN;
import static io.sluice.it.conformance.Wire.PING;
import static io.sluice.it.conformance.Wire.PONG;
import static io.sluice.it.conformance.Wire.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Autobahn section 4 (opcodes), every one of the 16: TEXT and BINARY are echoed, PING answered, PONG ignored, CLOSE
 * answered and the connection closed; a stray continuation and the reserved opcodes 3–7 and 0xB–0xF fail the
 * connection with 1002, with or without payload, after an earlier message was echoed, and a PING after them is
 * never answered.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpcodesConformanceIT {
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

    static Stream<Arguments> opcodes() {
        return IntStream.range(0, 16).boxed().flatMap(op -> Stream.of(
                Arguments.of(op, new byte[0]), Arguments.of(op, "Hello".getBytes())));
    }

    @ParameterizedTest(name = "opcode {0}, {1}")
    @MethodSource("opcodes")
    void handlesEveryOpcode(int opcode, byte[] payload) throws Exception {
        try (Wire ws = sluice.open("/text")) {
            ws.text("Hello, world!").flush();
            assertThat(ws.echo(13, TEXT)).isEqualTo("Hello, world!".getBytes());
            switch (opcode) {
                case 0x1, 0x2 -> {
                    ws.frame(FIN | opcode, payload).frame(FIN | PING, "p".getBytes()).flush();
                    // the PONG may come before or after the echo: compare the data stream and the PONG separately
                    Wire.Frame first = ws.read();
                    if (payload.length > 0 && first.opcode() != PONG) {
                        assertThat(first.payload()).isEqualTo(payload);
                        first = ws.read();
                    } else if (payload.length > 0) {
                        assertThat(ws.echo(payload.length, TEXT)).isEqualTo(payload);
                    }
                    assertThat(first.opcode()).isEqualTo(PONG);
                    closesCleanly(ws);
                }
                case 0x8 -> {
                    // "Hello" is no close payload: its first two bytes make code 0x4865 = 18533, not a valid code
                    ws.frame(FIN | opcode, payload).flush();
                    if (payload.length == 0) {
                        assertThat(ws.awaitClose().code()).isEqualTo(1000);
                        assertThat(ws.awaitServerClosed(Endings.BOUND)).isLessThan(Endings.AT_ONCE);
                    } else {
                        failsWith(ws, 1002);
                    }
                }
                case 0x9 -> {
                    ws.frame(FIN | opcode, payload).flush();
                    Wire.Frame pong = ws.read();
                    assertThat(pong.opcode()).isEqualTo(PONG);
                    assertThat(pong.payload()).isEqualTo(payload);
                    closesCleanly(ws);
                }
                case 0xA -> {
                    ws.frame(FIN | opcode, payload).frame(FIN | PING, "p".getBytes()).flush();
                    Wire.Frame pong = ws.read();
                    assertThat(pong.payload()).as("only the PING is answered").isEqualTo("p".getBytes());
                    closesCleanly(ws);
                }
                default -> {
                    ws.frame(FIN | opcode, payload).frame(FIN | PING, new byte[0]).flush();
                    failsWith(ws, 1002);
                }
            }
        }
    }
}
