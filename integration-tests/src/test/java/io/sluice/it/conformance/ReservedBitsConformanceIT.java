package io.sluice.it.conformance;

import static io.sluice.it.conformance.Endings.failsWith;
import static io.sluice.it.conformance.Wire.BINARY;
import static io.sluice.it.conformance.Wire.CLOSE;
import static io.sluice.it.conformance.Wire.CONT;
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
 * Autobahn section 3 (reserved bits): no extension is ever negotiated, so any of RSV1–RSV3 set on any frame fails
 * the connection with 1002; a message echoed before it stays echoed, a PING after it is never answered.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReservedBitsConformanceIT {
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

    static Stream<Arguments> bitsAndOpcodes() {
        return IntStream.rangeClosed(1, 7).boxed()
                .flatMap(rsv -> IntStream.of(TEXT, BINARY, CONT, PING, PONG, CLOSE).mapToObj(op -> Arguments.of(rsv,
                        op)));
    }

    @ParameterizedTest(name = "RSV {0} on opcode {1}")
    @MethodSource("bitsAndOpcodes")
    void failsAFrameWithReservedBitsSet(int rsv, int opcode) throws Exception {
        try (Wire ws = sluice.open("/text")) {
            ws.text("Hello, world!").flush();
            assertThat(ws.echo(13, TEXT)).isEqualTo("Hello, world!".getBytes());
            byte[] payload = opcode == CLOSE ? new byte[] {0x03, (byte) 0xE8} : "Hello".getBytes();
            ws.frame(FIN | rsv << 4 | opcode, payload).frame(FIN | PING, new byte[0]).flush();
            failsWith(ws, 1002);
        }
    }
}
