package io.sluice.tunnel.frame;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Properties of the streaming {@link Utf8Validator}: fed in any split it finds the same first impossible byte as
 * fed whole, agrees with the JDK's strict decoder, and reports character boundaries exactly.
 */
class Utf8ValidatorPropertyTest {

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

    @Property(tries = 500)
    void anySplitFindsWhatOnePieceFindsAndAgreesWithTheJdk(@ForAll("mostlyText") byte[] bytes,
            @ForAll("cuts") List<Integer> cuts) {
        Verdict whole = feed(bytes, new int[0]);
        assertThat(feed(bytes, cutPoints(cuts, bytes.length))).isEqualTo(whole);
        assertThat(whole.firstBad() < 0 && whole.complete()).isEqualTo(jdkSaysValid(bytes));
        if (whole.firstBad() >= 0) {
            // the reported byte is the first that cannot continue: everything before it may still be UTF-8
            assertThat(feed(Arrays.copyOf(bytes, whole.firstBad()), new int[0]).firstBad()).isEqualTo(-1);
        }
    }

    @Property(tries = 300)
    void boundaryIsTheLastCharacterEndInsideEachFeed(@ForAll("validText") byte[] text,
            @ForAll("cuts") List<Integer> cuts) {
        ByteBuf buf = Unpooled.wrappedBuffer(text);
        Utf8Validator validator = new Utf8Validator();
        int[] points = cutPoints(cuts, text.length);
        int from = 0;
        for (int i = 0; i <= points.length; i++) {
            int to = i < points.length ? points[i] : text.length;
            assertThat(validator.feed(buf, from, to)).isEqualTo(-1);
            int last = lastCharacterEnd(text, to);
            assertThat(validator.boundary()).as("feed [%d, %d)", from, to).isEqualTo(last >= from ? last : -1);
            from = to;
        }
        assertThat(validator.isComplete()).isTrue();
    }

    /** The largest index {@code <= to} at which a character starts (or the text ends). */
    private static int lastCharacterEnd(byte[] text, int to) {
        int i = to;
        while (i < text.length && (text[i] & 0xC0) == 0x80) {
            i--;
        }
        return i;
    }

    static int[] cutPoints(List<Integer> cuts, int length) {
        return cuts.stream().mapToInt(c -> Math.floorMod(c, length + 1)).sorted().toArray();
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

    @Provide
    Arbitrary<byte[]> validText() {
        return ClientFrameDecoderPropertyTest.utf8Text();
    }

    /** Valid text with a few bytes changed, inserted or cut off, and sometimes plain random bytes. */
    @Provide
    Arbitrary<byte[]> mostlyText() {
        Arbitrary<byte[]> mutated = Combinators.combine(ClientFrameDecoderPropertyTest.utf8Text(),
                Arbitraries.integers().list().ofMaxSize(4), Arbitraries.integers().between(0, 3))
                .as((text, changes, trim) -> {
                    byte[] bytes = Arrays.copyOf(text, Math.max(0, text.length - trim));
                    for (int i = 0; i + 1 < changes.size() && bytes.length > 0; i += 2) {
                        bytes[Math.floorMod(changes.get(i), bytes.length)] = (byte) (int) changes.get(i + 1);
                    }
                    return bytes;
                });
        return Arbitraries.frequencyOf(
                Tuple.of(2, ClientFrameDecoderPropertyTest.utf8Text()),
                Tuple.of(5, mutated),
                Tuple.of(2, Arbitraries.bytes().array(byte[].class).ofMaxSize(16)));
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().between(0, 1000).list().ofMaxSize(12);
    }
}
