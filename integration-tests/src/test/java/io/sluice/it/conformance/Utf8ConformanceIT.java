package io.sluice.it.conformance;

import static io.sluice.it.conformance.Endings.closesCleanly;
import static io.sluice.it.conformance.Endings.failsWith;
import static io.sluice.it.conformance.Wire.BINARY;
import static io.sluice.it.conformance.Wire.CONT;
import static io.sluice.it.conformance.Wire.FIN;
import static io.sluice.it.conformance.Wire.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;
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
 * Autobahn section 6 (UTF-8 handling) on a text route: valid text of every sequence length is echoed whatever
 * fragment and write boundaries split its characters; invalid UTF-8 (overlong forms, surrogates, code points above
 * U+10FFFF, bytes that never occur, truncated sequences) fails the connection with 1007 wherever the sequence is
 * split, as soon as its first impossible byte arrives (fail fast), not at the end of the message.
 *
 * <p>Differs on purpose from a strict echo server: the valid bytes before the invalid one were already forwarded to
 * the backend; their echo races with the CLOSE and is dropped once the session closes, so a prefix of them may come
 * back before the CLOSE.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Utf8ConformanceIT {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] PREFIX = "κόσμε".getBytes(StandardCharsets.UTF_8);

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

    /** Code points at the edges of every UTF-8 sequence length, and a few Autobahn uses. */
    @ParameterizedTest(name = "U+{0}")
    @ValueSource(strings = {"0000", "007F", "0080", "00E9", "07FF", "0800", "20AC", "D7FF", "E000", "FEFF", "FFFD",
        "FFFE", "FFFF", "10000", "1F600", "FFFFF", "100000", "10FFFF"})
    void echoesACodePointSplitAtEveryBytePositionByFragmentsAndByWrites(String hex) throws Exception {
        byte[] character = new String(Character.toChars(Integer.parseInt(hex, 16))).getBytes(StandardCharsets.UTF_8);
        byte[] message = concat("a".getBytes(), character, "z".getBytes());
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (Wire ws = sluice.open("/text")) {
            for (int cut = 1; cut < message.length; cut++) {
                // two fragments, cut inside or around the character
                ws.frame(TEXT, Arrays.copyOf(message, cut))
                        .frame(FIN | CONT, Arrays.copyOfRange(message, cut, message.length)).flush();
                expected.writeBytes(message);
                // one frame, its payload written in two pieces with a flush between
                int mask = 0x1357_9bdf + cut;
                ws.header(FIN | TEXT, true, message.length, 0, mask).payload(Arrays.copyOf(message, cut), mask, 0)
                        .flush().payload(Arrays.copyOfRange(message, cut, message.length), mask, cut).flush();
                expected.writeBytes(message);
            }
            // and one fragment per byte
            for (int i = 0; i < message.length; i++) {
                ws.frame((i == message.length - 1 ? FIN : 0) | (i == 0 ? TEXT : CONT), new byte[] {message[i]});
            }
            ws.flush();
            expected.writeBytes(message);
            assertThat(ws.echo(expected.size(), TEXT)).isEqualTo(expected.toByteArray());
            closesCleanly(ws);
        }
    }

    @Test
    void echoesAutobahnsValidSamples() throws Exception {
        List<String> samples = List.of("κόσμε", "Hello-µ@ßöäüàá-UTF-8!!", "\u0000", "\uFFFD\uFFFD",
                "𝄞 music", "中文 日本語 한국어");
        try (Wire ws = sluice.open("/text")) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (String sample : samples) {
                all.writeBytes(sample.getBytes(StandardCharsets.UTF_8));
                ws.text(sample);
            }
            ws.flush();
            assertThat(ws.echo(all.size(), TEXT)).isEqualTo(all.toByteArray());
            closesCleanly(ws);
        }
    }

    /** Invalid sequences; each is sent after {@link #PREFIX} and split into two fragments at every position. */
    static Stream<Arguments> invalid() {
        return Stream.of(
                        "c080", "c1bf", "e08080", "e09fbf", "f0808080", "f08fbfbf", "f8888080af", "fc8480808080", // overlong
                        "eda080", "edadbf", "edae80", "edafbf", "edb080", "edbfbf", "eda080edb080", "edafbfedbfbf", // surrogates
                        "f4908080", "f7bfbfbf", "f5808080", // above U+10FFFF
                        "fe", "ff", "80", "bf", "c241", "e28241", "f09f9841") // never UTF-8, stray, cut short
                .flatMap(hex -> IntStream.rangeClosed(0, HEX.parseHex(hex).length)
                        .mapToObj(cut -> Arguments.of(hex, cut)));
    }

    @ParameterizedTest(name = "{0} cut at {1}")
    @MethodSource("invalid")
    void failsInvalidUtf8WhereverItIsSplit(String hex, int cut) throws Exception {
        byte[] message = concat(PREFIX, HEX.parseHex(hex), "z".getBytes());
        int at = PREFIX.length + cut;
        try (Wire ws = sluice.open("/text")) {
            ws.frame(TEXT, Arrays.copyOf(message, at)).frame(FIN | CONT, Arrays.copyOfRange(message, at,
                    message.length)).flush();
            failsWith(ws, 1007, PREFIX);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"c2", "e282", "f09f98", "f09f"})
    void failsATextMessageThatEndsInsideASequence(String hex) throws Exception {
        try (Wire ws = sluice.open("/text")) {
            ws.frame(TEXT, PREFIX).frame(FIN | CONT, HEX.parseHex(hex)).flush();
            failsWith(ws, 1007, PREFIX);
        }
    }

    @Test
    void failsFastOnTheFirstImpossibleByteBeforeTheMessageEnds() throws Exception {
        try (Wire ws = sluice.open("/text")) {
            // no FIN and nothing more: a validator that waits for the message end would never answer
            ws.frame(TEXT, concat(PREFIX, HEX.parseHex("eda080"), "more".getBytes())).flush();
            failsWith(ws, 1007, PREFIX);
        }
    }

    @Test
    void validatesTextFramesOnABinaryRouteToo() throws Exception {
        try (Wire ws = sluice.open("/binary")) {
            ws.frame(FIN | TEXT, HEX.parseHex("41ff")).flush();
            failsWith(ws, 1007, "A".getBytes());
        }
    }

    @Test
    void passesBinaryMessagesThatAreNotUtf8Untouched() throws Exception {
        byte[] bytes = HEX.parseHex("c080eda080f4908080fffe80");
        try (Wire ws = sluice.open("/binary")) {
            ws.frame(FIN | BINARY, bytes).flush();
            assertThat(ws.echo(bytes.length, BINARY)).isEqualTo(bytes);
            closesCleanly(ws);
        }
    }

    static byte[] concat(byte[]... parts) {
        return FramingConformanceIT.concat(parts);
    }
}
