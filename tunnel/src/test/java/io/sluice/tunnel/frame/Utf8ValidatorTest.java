package io.sluice.tunnel.frame;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Utf8ValidatorTest {

    private static boolean javaSaysValid(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static boolean valid(byte[] bytes) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        return Utf8Validator.isValid(buf, 0, bytes.length);
    }

    @Test
    void agreesWithTheJdkOnEverySequenceOfUpToThreeBytesAndOnRandomFourByteOnes() {
        for (int a = 0; a < 256; a++) {
            assertThat(valid(new byte[] {(byte) a})).as("%02x", a).isEqualTo(javaSaysValid(new byte[] {(byte) a}));
            for (int b = 0; b < 256; b++) {
                byte[] two = {(byte) a, (byte) b};
                assertThat(valid(two)).as("%02x %02x", a, b).isEqualTo(javaSaysValid(two));
                if (a >= 0xE0 && a <= 0xEF) {
                    for (int c = 0x70; c < 0xD0; c++) {
                        byte[] three = {(byte) a, (byte) b, (byte) c};
                        assertThat(valid(three)).as("%02x %02x %02x", a, b, c).isEqualTo(javaSaysValid(three));
                    }
                }
            }
        }
        Random random = new Random(7);
        for (int n = 0; n < 200_000; n++) {
            byte[] four = {(byte) (0xF0 + random.nextInt(16)), (byte) (0x70 + random.nextInt(0x60)),
                (byte) (0x70 + random.nextInt(0x60)), (byte) (0x70 + random.nextInt(0x60))};
            assertThat(valid(four)).as("%s", java.util.HexFormat.of().formatHex(four)).isEqualTo(javaSaysValid(four));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "overlong 2-byte, c0af, 0",
        "overlong 3-byte, e080af, 1",
        "overlong 4-byte, f08080af, 1",
        "surrogate, 61eda080, 2",
        "above U+10FFFF, f4908080, 1",
        "lead F5, f5, 0",
        "stray continuation, 6180, 1",
        "truncated then ASCII, e2822061, 2",
    })
    void reportsTheIndexOfTheFirstImpossibleByte(String name, String hex, int index) {
        ByteBuf buf = Unpooled.wrappedBuffer(java.util.HexFormat.of().parseHex(hex));
        assertThat(new Utf8Validator().feed(buf, 0, buf.writerIndex())).isEqualTo(index);
    }

    @Test
    void carriesAnIncompleteSequenceAcrossFeedsAndTellsTheLastBoundary() {
        byte[] text = "ab€😀".getBytes(StandardCharsets.UTF_8); // 61 62 | e2 82 ac | f0 9f 98 80
        ByteBuf buf = Unpooled.wrappedBuffer(text);
        Utf8Validator validator = new Utf8Validator();
        assertThat(validator.feed(buf, 0, 3)).isEqualTo(-1);
        assertThat(validator.boundary()).isEqualTo(2);
        assertThat(validator.isComplete()).isFalse();
        assertThat(validator.feed(buf, 3, 4)).isEqualTo(-1);
        assertThat(validator.boundary()).as("still inside the euro sign").isEqualTo(-1);
        assertThat(validator.feed(buf, 4, 7)).isEqualTo(-1);
        assertThat(validator.boundary()).isEqualTo(5);
        assertThat(validator.feed(buf, 7, 9)).isEqualTo(-1);
        assertThat(validator.isComplete()).isTrue();
        assertThat(validator.boundary()).isEqualTo(9);
    }

    @Test
    void validatesLongAsciiRunsAndComponentsOfACompositeBuffer() {
        byte[] euro = "x€".repeat(1000).getBytes(StandardCharsets.UTF_8);
        ByteBuf composite = Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(euro, 0, 1001),
                Unpooled.wrappedBuffer(euro, 1001, euro.length - 1001));
        assertThat(Utf8Validator.isValid(composite, 0, composite.writerIndex())).isTrue();
        assertThat(Utf8Validator.isValid(composite, 0, composite.writerIndex() - 1)).isFalse();
        composite.release();
        ByteBuf ascii = Unpooled.wrappedBuffer("a".repeat(10_003).getBytes(StandardCharsets.US_ASCII));
        assertThat(Utf8Validator.isValid(ascii, 1, ascii.writerIndex())).isTrue();
    }
}
