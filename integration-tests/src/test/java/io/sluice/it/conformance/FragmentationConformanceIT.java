package io.sluice.it.conformance;

import static io.sluice.it.conformance.Endings.closesCleanly;
import static io.sluice.it.conformance.Endings.failsWith;
import static io.sluice.it.conformance.Wire.BINARY;
import static io.sluice.it.conformance.Wire.CLOSE;
import static io.sluice.it.conformance.Wire.CONT;
import static io.sluice.it.conformance.Wire.FIN;
import static io.sluice.it.conformance.Wire.PING;
import static io.sluice.it.conformance.Wire.PONG;
import static io.sluice.it.conformance.Wire.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Autobahn section 5 (fragmentation): fragmented messages with control frames between their fragments, fragmented
 * control frames, stray continuations, and a new data frame while a message is still open.
 *
 * <p>Differs on purpose from a strict echo server: Sluice forwards each fragment's bytes as they arrive, so the
 * echo of a message's first fragments comes back before the message is complete (a strict server echoes whole
 * messages), and the echo is not fragmented like the message was: it is the same byte stream, framed by the
 * backend's reads.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FragmentationConformanceIT {
    private static final byte[] HELLO = "Hello, world!".getBytes(StandardCharsets.UTF_8);

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

    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {PING, PONG, CLOSE})
    void failsAFragmentedControlFrame(int opcode) throws Exception {
        try (Wire ws = sluice.open("/text")) {
            byte[] first = opcode == CLOSE ? new byte[] {0x03} : "frag".getBytes();
            ws.frame(opcode, first).frame(FIN | CONT, new byte[] {(byte) 0xE8}).flush();
            failsWith(ws, 1002);
        }
    }

    @ParameterizedTest(name = "opcode {0}, flush after each fragment: {1}")
    @CsvSource({"1, false", "1, true", "2, false", "2, true"})
    void echoesAMessageInTwoFragments(int opcode, boolean flushEach) throws Exception {
        try (Wire ws = sluice.open(opcode == TEXT ? "/text" : "/binary")) {
            ws.frame(opcode, "fragment1".getBytes());
            if (flushEach) {
                ws.flush();
            }
            ws.frame(FIN | CONT, "fragment2".getBytes()).flush();
            assertThat(ws.echo(18, opcode)).isEqualTo("fragment1fragment2".getBytes());
            closesCleanly(ws);
        }
    }

    @Test
    void echoesATextMessageSentOneByteFragmentAtATime() throws Exception {
        byte[] text = "κόσμε 😀 ok".getBytes(StandardCharsets.UTF_8);
        try (Wire ws = sluice.open("/text")) {
            for (int i = 0; i < text.length; i++) {
                int opcode = i == 0 ? TEXT : CONT;
                ws.frame((i == text.length - 1 ? FIN : 0) | opcode, new byte[] {text[i]}).flush();
            }
            assertThat(ws.echo(text.length, TEXT)).isEqualTo(text);
            closesCleanly(ws);
        }
    }

    @ParameterizedTest(name = "flush after each frame: {0}")
    @ValueSource(booleans = {false, true})
    void answersPingsAndIgnoresPongsBetweenFragments(boolean flushEach) throws Exception {
        try (Wire ws = sluice.open("/text")) {
            ws.frame(TEXT, "fragment1".getBytes());
            if (flushEach) {
                ws.flush();
            }
            ws.frame(FIN | PING, "ping payload".getBytes()).frame(FIN | PONG, "unsolicited".getBytes());
            if (flushEach) {
                ws.flush();
            }
            ws.frame(CONT, "fragment2".getBytes()).frame(FIN | PING, "second".getBytes())
                    .frame(FIN | CONT, "fragment3".getBytes()).flush();
            Wire.Closing got = ws.dataAndControls(27, 2, TEXT);
            assertThat(got.data()).isEqualTo("fragment1fragment2fragment3".getBytes());
            assertThat(got.controls()).extracting(Wire.Frame::opcode).containsExactly(PONG, PONG);
            assertThat(got.controls()).extracting(f -> new String(f.payload(), StandardCharsets.UTF_8))
                    .containsExactly("ping payload", "second");
            closesCleanly(ws);
        }
    }

    @Test
    void echoesFirstFragmentsBeforeTheMessageIsComplete() throws Exception {
        try (Wire ws = sluice.open("/binary")) {
            ws.frame(BINARY, "first".getBytes()).flush();
            assertThat(ws.echo(5, BINARY)).isEqualTo("first".getBytes());
            ws.frame(CONT, "second".getBytes()).flush();
            assertThat(ws.echo(6, BINARY)).isEqualTo("second".getBytes());
            ws.frame(FIN | CONT, "third".getBytes()).flush();
            assertThat(ws.echo(5, BINARY)).isEqualTo("third".getBytes());
            closesCleanly(ws);
        }
    }

    @Test
    void echoesNothingForEmptyFragmentsAndTheRestOfTheMessage() throws Exception {
        try (Wire ws = sluice.open("/text")) {
            ws.frame(TEXT, new byte[0]).frame(CONT, "abc".getBytes()).frame(CONT, new byte[0])
                    .frame(FIN | CONT, new byte[0])
                    .frame(TEXT, new byte[0]).frame(FIN | CONT, new byte[0])
                    .text("#").flush();
            assertThat(ws.echo(4, TEXT)).isEqualTo("abc#".getBytes());
            closesCleanly(ws);
        }
    }

    @ParameterizedTest(name = "FIN {0}, payload \"{1}\"")
    @CsvSource({"true, fragment", "false, fragment", "true, ''", "false, ''"})
    void failsAStrayContinuation(boolean fin, String payload) throws Exception {
        try (Wire ws = sluice.open("/text")) {
            ws.frame((fin ? FIN : 0) | CONT, payload.getBytes()).flush();
            failsWith(ws, 1002);
        }
    }

    @Test
    void failsAContinuationAfterACompleteMessage() throws Exception {
        try (Wire ws = sluice.open("/text")) {
            ws.frame(TEXT, "frag1".getBytes()).frame(FIN | CONT, "frag2".getBytes()).flush();
            assertThat(ws.echo(10, TEXT)).isEqualTo("frag1frag2".getBytes());
            ws.frame(FIN | CONT, "frag3".getBytes()).frame(FIN | PING, new byte[0]).flush();
            failsWith(ws, 1002);
        }
    }

    @Test
    void failsStrayContinuationsWrittenOneByteAtATime() throws Exception {
        try (Wire ws = sluice.open("/text")) {
            byte[] frame = new byte[] {(byte) (FIN | CONT), (byte) 0x80, 0, 0, 0, 0, 'x'};
            for (byte b : frame) {
                ws.raw(new byte[] {b}).flush();
            }
            failsWith(ws, 1002);
        }
    }

    @ParameterizedTest(name = "{0} then {1} with FIN {2}")
    @CsvSource({"1, 1, true", "1, 1, false", "1, 2, true", "2, 1, true", "2, 2, false"})
    void failsANewDataFrameInsideAFragmentedMessage(int first, int second, boolean fin) throws Exception {
        try (Wire ws = sluice.open(first == TEXT ? "/text" : "/binary")) {
            ws.frame(first, "open".getBytes()).flush();
            assertThat(ws.echo(4, first)).isEqualTo("open".getBytes());
            ws.frame((fin ? FIN : 0) | second, "new".getBytes()).flush();
            failsWith(ws, 1002);
        }
    }

    @Test
    void answersACloseBetweenFragments() throws Exception {
        try (Wire ws = sluice.open("/text")) {
            ws.frame(TEXT, HELLO).flush();
            assertThat(ws.echo(HELLO.length, TEXT)).isEqualTo(HELLO);
            ws.close(1000).frame(FIN | CONT, "lost".getBytes()).flush();
            Wire.Closing closing = ws.awaitClose();
            assertThat(closing.code()).isEqualTo(1000);
            assertThat(closing.data()).isEmpty();
            assertThat(ws.awaitServerClosed(Endings.BOUND)).isLessThan(Endings.AT_ONCE);
        }
    }

    @Test
    void keepsTheMessageOpenAcrossInterleavedControlFramesOfEveryKind() throws Exception {
        try (Wire ws = sluice.open("/binary")) {
            List<byte[]> parts = List.of("a".getBytes(), "b".getBytes(), "c".getBytes());
            ws.frame(BINARY, parts.get(0)).frame(FIN | PING, new byte[125]).frame(FIN | PONG, new byte[125])
                    .frame(CONT, parts.get(1)).frame(FIN | PING, new byte[0])
                    .frame(FIN | CONT, parts.get(2)).frame(FIN | BINARY, "d".getBytes()).flush();
            Wire.Closing got = ws.dataAndControls(4, 2, BINARY);
            assertThat(got.data()).isEqualTo("abcd".getBytes());
            assertThat(got.controls()).extracting(f -> f.payload().length).containsExactly(125, 0);
            closesCleanly(ws);
        }
    }
}
