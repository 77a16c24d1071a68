package io.sluice.it.conformance;

import static io.sluice.it.conformance.Endings.closesCleanly;
import static io.sluice.it.conformance.Endings.failsWith;
import static io.sluice.it.conformance.Wire.BINARY;
import static io.sluice.it.conformance.Wire.CONT;
import static io.sluice.it.conformance.Wire.FIN;
import static io.sluice.it.conformance.Wire.PING;
import static io.sluice.it.conformance.Wire.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Limits (Autobahn section 9's sizes, against {@code server.max-message-size: 65536}): a message of exactly the
 * limit passes, in one frame or in fragments; one byte more fails with 1009 as soon as the frame header that
 * crosses the limit arrives, before its payload; the limit counts each message afresh and never control frames.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LimitsConformanceIT {
    private static final int LIMIT = 65_536;

    private EchoSluice sluice;

    @BeforeAll
    void start() throws Exception {
        sluice = EchoSluice.start(LIMIT, false);
    }

    @AfterAll
    void stop() throws Exception {
        if (sluice != null) {
            sluice.close();
        }
    }

    @ParameterizedTest(name = "{0} fragments")
    @ValueSource(ints = {1, 2, 16, 1024})
    void passesTwoMessagesOfExactlyTheLimit(int fragments) throws Exception {
        try (Wire ws = sluice.open("/binary")) {
            byte[] message = FramingConformanceIT.payload(BINARY, LIMIT);
            for (int round = 0; round < 2; round++) {
                int size = LIMIT / fragments;
                for (int i = 0; i < fragments; i++) {
                    ws.frame((i == fragments - 1 ? FIN : 0) | (i == 0 ? BINARY : CONT),
                            Arrays.copyOfRange(message, i * size, (i + 1) * size));
                    if (i == fragments / 2) {
                        ws.frame(FIN | PING, new byte[125]); // control frames do not count
                    }
                }
                ws.flush();
                Wire.Closing got = ws.dataAndControls(LIMIT, 1, BINARY);
                assertThat(got.data()).isEqualTo(message);
            }
            closesCleanly(ws);
        }
    }

    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {TEXT, BINARY})
    void failsOneFrameOverTheLimitFromItsHeaderAlone(int opcode) throws Exception {
        try (Wire ws = sluice.open(opcode == TEXT ? "/text" : "/binary")) {
            ws.header(FIN | opcode, true, LIMIT + 1, 0, 0x2468_ace0).flush(); // no payload follows
            failsWith(ws, 1009);
        }
    }

    @Test
    void failsTheFragmentThatCrossesTheLimit() throws Exception {
        try (Wire ws = sluice.open("/binary")) {
            byte[] half = FramingConformanceIT.payload(BINARY, LIMIT / 2);
            ws.frame(BINARY, half).frame(CONT, half).flush();
            assertThat(ws.echo(LIMIT, BINARY)).isEqualTo(FramingConformanceIT.concat(half, half));
            ws.header(FIN | CONT, true, 1, 0, 0x1111_1111).flush();
            failsWith(ws, 1009);
        }
    }

    @ParameterizedTest(name = "length {0}")
    @ValueSource(longs = {1L << 32, Long.MAX_VALUE})
    void failsAFrameOfFourGibibytesAndMoreAt1009(long length) throws Exception {
        try (Wire ws = sluice.open("/binary")) {
            ws.header(FIN | BINARY, true, length, 8, 0x0f0f_0f0f).flush();
            failsWith(ws, 1009);
        }
    }

    @Test
    void refusesTheTopBitAsAProtocolErrorBeforeTheLimit() throws Exception {
        try (Wire ws = sluice.open("/binary")) {
            ws.header(FIN | BINARY, true, Long.MIN_VALUE, 8, 0x0f0f_0f0f).flush();
            failsWith(ws, 1002);
        }
    }
}
