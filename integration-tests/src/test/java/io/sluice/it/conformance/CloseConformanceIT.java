package io.sluice.it.conformance;

import static io.sluice.it.conformance.Endings.AT_ONCE;
import static io.sluice.it.conformance.Endings.BOUND;
import static io.sluice.it.conformance.Endings.closesCleanly;
import static io.sluice.it.conformance.Endings.failsWith;
import static io.sluice.it.conformance.Wire.BINARY;
import static io.sluice.it.conformance.Wire.CLOSE;
import static io.sluice.it.conformance.Wire.FIN;
import static io.sluice.it.conformance.Wire.PING;
import static io.sluice.it.conformance.Wire.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Autobahn section 7 (close handling): the close handshake from either side, every close code the wire allows and
 * every one it does not, close payloads of 0, 1, 2 and 125 bytes and more, reasons that are not UTF-8, data after a
 * CLOSE, and a client that never answers the server's CLOSE.
 *
 * <p>Differs on purpose from a strict echo server: the answer to a CLOSE without a code carries 1000 (RFC 6455
 * §5.5.1 lets the answer carry any code), and the answer echoes the client's code without its reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CloseConformanceIT {
    /** How long Sluice waits for the client's answer to its own CLOSE (SessionSettings.DEFAULT_LINGER). */
    private static final Duration LINGER = Duration.ofSeconds(2);

    private EchoSluice sluice;

    @BeforeAll
    void start() throws Exception {
        sluice = EchoSluice.start(0, true);
    }

    @AfterAll
    void stop() throws Exception {
        if (sluice != null) {
            sluice.close();
        }
    }

    @Test
    void closesCleanlyAfterAnEchoedMessage() throws Exception {
        try (Wire ws = sluice.open("/text")) {
            ws.text("Hello").flush();
            assertThat(ws.echo(5, TEXT)).isEqualTo("Hello".getBytes());
            closesCleanly(ws);
        }
    }

    @Test
    void answersACloseWithoutPayloadWith1000() throws Exception {
        try (Wire ws = sluice.open("/text")) {
            ws.frame(FIN | CLOSE, new byte[0]).flush();
            Wire.Closing closing = ws.awaitClose();
            assertThat(closing.close().payload()).containsExactly(0x03, 0xE8);
            assertThat(ws.awaitServerClosed(BOUND)).isLessThan(AT_ONCE);
        }
    }

    @Test
    void failsACloseWithAOneBytePayload() throws Exception {
        try (Wire ws = sluice.open("/text")) {
            ws.frame(FIN | CLOSE, new byte[] {0x03}).flush();
            failsWith(ws, 1002);
        }
    }

    @ParameterizedTest(name = "reason of {0} bytes")
    @ValueSource(ints = {0, 1, 10, 123})
    void echoesTheCodeOfACloseWithAReason(int reasonBytes) throws Exception {
        try (Wire ws = sluice.open("/text")) {
            ByteArrayOutputStream payload = new ByteArrayOutputStream();
            payload.write(0x0F);
            payload.write(0xA1); // 4001
            payload.writeBytes("r".repeat(reasonBytes).getBytes(StandardCharsets.UTF_8));
            ws.frame(FIN | CLOSE, payload.toByteArray()).flush();
            Wire.Closing closing = ws.awaitClose();
            assertThat(closing.code()).isEqualTo(4001);
            assertThat(closing.close().closeReason()).as("the reason is not echoed").isEmpty();
            assertThat(ws.awaitServerClosed(BOUND)).isLessThan(AT_ONCE);
        }
    }

    @Test
    void failsACloseOf124ByteReason() throws Exception {
        try (Wire ws = sluice.open("/text")) {
            ws.frame(FIN | CLOSE, FramingConformanceIT.concat(new byte[] {0x03, (byte) 0xE8},
                    "r".repeat(124).getBytes())).flush();
            failsWith(ws, 1002);
        }
    }

    @ParameterizedTest(name = "reason {0}")
    @ValueSource(strings = {"ff", "c080", "eda080", "cebae1bdb9cf83cebcceb5eda080656469746564", "e282"})
    void failsACloseReasonThatIsNotUtf8(String hex) throws Exception {
        try (Wire ws = sluice.open("/text")) {
            ws.frame(FIN | CLOSE, FramingConformanceIT.concat(new byte[] {0x03, (byte) 0xE8},
                    java.util.HexFormat.of().parseHex(hex))).flush();
            failsWith(ws, 1007);
        }
    }

    @ParameterizedTest(name = "code {0}")
    @ValueSource(ints = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000,
        4999})
    void echoesEveryValidCloseCode(int code) throws Exception {
        try (Wire ws = sluice.open("/text")) {
            ws.close(code).flush();
            assertThat(ws.awaitClose().code()).isEqualTo(code);
            assertThat(ws.awaitServerClosed(BOUND)).isLessThan(AT_ONCE);
        }
    }

    @ParameterizedTest(name = "code {0}")
    @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535})
    void failsEveryInvalidCloseCode(int code) throws Exception {
        try (Wire ws = sluice.open("/text")) {
            ws.close(code).flush();
            failsWith(ws, 1002);
        }
    }

    @Test
    void ignoresEverythingAfterTheClientsClose() throws Exception {
        try (Wire ws = sluice.open("/text")) {
            ws.close(1000).text("after close").frame(FIN | PING, "p".getBytes()).close(1001)
                    .raw(new byte[] {(byte) 0xFF, 0x00, 0x12}).flush();
            Wire.Closing closing = ws.awaitClose();
            assertThat(closing.code()).as("the first CLOSE is answered").isEqualTo(1000);
            assertThat(closing.data()).isEmpty();
            assertThat(closing.controls()).isEmpty();
            assertThat(ws.awaitServerClosed(BOUND)).isLessThan(AT_ONCE);
        }
    }

    @Test
    void forwardsDataSentTogetherWithTheCloseToTheBackend() throws Exception {
        // the echo of that data races with the CLOSE answer: the stream before the CLOSE is a prefix of it
        try (Wire ws = sluice.open("/binary")) {
            ws.frame(FIN | BINARY, "last words".getBytes()).close(1000).flush();
            Wire.Closing closing = ws.awaitClose();
            assertThat(closing.code()).isEqualTo(1000);
            assertThat(Endings.isPrefix(closing.data(), "last words".getBytes())).isTrue();
            assertThat(ws.awaitServerClosed(BOUND)).isLessThan(AT_ONCE);
        }
    }

    @Test
    void closesTheConnectionByItselfWhenTheClientNeverAnswersItsClose() throws Exception {
        try (Wire ws = sluice.open("/source")) {
            Wire.Closing closing = ws.awaitClose(); // the backend wrote 10 bytes and ended: 1000
            assertThat(closing.code()).isEqualTo(1000);
            assertThat(closing.data()).hasSize(EchoSluice.SOURCE_BYTES);
            Duration waited = ws.awaitServerClosed(BOUND);
            assertThat(waited).as("the server waited for the answer, then closed").isGreaterThan(
                    LINGER.minusMillis(500));
        }
    }

    @Test
    void closesTheConnectionAtOnceWhenTheClientAnswersItsClose() throws Exception {
        try (Wire ws = sluice.open("/source")) {
            Wire.Closing closing = ws.awaitClose();
            assertThat(closing.code()).isEqualTo(1000);
            ws.close(1000).flush();
            assertThat(ws.awaitServerClosed(BOUND)).isLessThan(AT_ONCE);
        }
    }

    @ParameterizedTest(name = "violation {0}")
    @ValueSource(strings = {"unmasked", "not UTF-8"})
    void closesTheConnectionByItselfAfterAViolationTheClientNeverAnswers(String violation) throws Exception {
        try (Wire ws = sluice.open("/text")) {
            if (violation.equals("unmasked")) {
                ws.unmasked(FIN | TEXT, "x".getBytes()).flush();
            } else {
                ws.frame(FIN | TEXT, new byte[] {(byte) 0xFF}).flush();
            }
            assertThat(ws.awaitClose().code()).isEqualTo(violation.equals("unmasked") ? 1002 : 1007);
            // nothing from the client, not even FIN: the server must end the connection itself
            assertThat(ws.awaitServerClosed(BOUND)).isGreaterThan(LINGER.minusMillis(500));
        }
    }
}
