package io.sluice.tunnel.frame;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.tunnel.property.Gen;
import io.sluice.tunnel.property.Property;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Properties of the streaming {@link Utf8Validator}: fed in any split it finds the same first impossible byte as
 * fed whole, agrees with the JDK's strict decoder, and reports character boundaries exactly.
 */
class Utf8ValidatorPropertyTest {

    /** Bytes and the read boundaries that split them. */
    record Input(byte[] bytes, int[] cuts) {
    }

    /** Result of feeding {@code bytes} in the pieces {@code cuts} make: first bad index or -1, and completeness. */
    private record Verdict(int firstBad, boolean complete) {
    }

    private static Verdict feed(byte[] bytes, int[] cuts) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        Utf8Validator validator = new Utf8Validator();
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : bytes.length;
            int bad = validator.feed(buf, from, to);
            if (bad >= 0) {
                return new Verdict(bad, false);
            }
            from = to;
        }
        return new Verdict(-1, validator.isComplete());
    }

    @Test
    void anySplitFindsWhatOnePieceFindsAndAgreesWithTheJdk() {
        Property.forAll(500, g -> split(mostlyText(g), g), in -> {
            Verdict whole = feed(in.bytes(), new int[0]);
            assertThat(feed(in.bytes(), in.cuts())).isEqualTo(whole);
            assertThat(whole.firstBad() < 0 && whole.complete()).isEqualTo(jdkSaysValid(in.bytes()));
            if (whole.firstBad() >= 0) {
                // the reported byte is the first that cannot continue: everything before it may still be UTF-8
                assertThat(feed(Arrays.copyOf(in.bytes(), whole.firstBad()), new int[0]).firstBad()).isEqualTo(-1);
            }
        });
    }

    @Test
    void boundaryIsTheLastCharacterEndInsideEachFeed() {
        Property.forAll(300, g -> split(g.utf8(60), g), in -> {
            byte[] text = in.bytes();
            ByteBuf buf = Unpooled.wrappedBuffer(text);
            Utf8Validator validator = new Utf8Validator();
            int from = 0;
            for (int i = 0; i <= in.cuts().length; i++) {
                int to = i < in.cuts().length ? in.cuts()[i] : text.length;
                assertThat(validator.feed(buf, from, to)).isEqualTo(-1);
                int last = lastCharacterEnd(text, to);
                assertThat(validator.boundary()).as("feed [%d, %d)", from, to).isEqualTo(last >= from ? last : -1);
                from = to;
            }
            assertThat(validator.isComplete()).isTrue();
        });
    }

    private static Input split(byte[] bytes, Gen g) {
        return new Input(bytes, g.cuts(bytes.length, 12));
    }

    /** The largest index {@code <= to} at which a character starts (or the text ends). */
    private static int lastCharacterEnd(byte[] text, int to) {
        int i = to;
        while (i < text.length && (text[i] & 0xC0) == 0x80) {
            i--;
        }
        return i;
    }

    static boolean jdkSaysValid(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /**
     * Valid text as it is, or with up to two bytes changed and up to three cut off, or with a near-miss sequence
     * (overlong, surrogate, ...) between two characters; or plain random bytes.
     */
    private static byte[] mostlyText(Gen g) {
        return switch (g.weighted(2, 5, 3, 2)) {
            case 0 -> g.utf8(60);
            case 1 -> {
                byte[] text = g.utf8(60);
                byte[] bytes = Arrays.copyOf(text, Math.max(0, text.length - g.between(0, 3)));
                for (int n = g.between(0, 2); n > 0 && bytes.length > 0; n--) {
                    bytes[g.between(0, bytes.length - 1)] = (byte) g.between(0, 255);
                }
                yield bytes;
            }
            case 2 -> ClientFrames.concat(g.utf8(30), g.utf8Mistake(), g.utf8(30));
            default -> g.bytes(16);
        };
    }
}
