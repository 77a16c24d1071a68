package io.sluice.tunnel.frame;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Properties of {@link Base64ChunkDecoder}: the standard encoding of any bytes, split anywhere, decodes to those
 * bytes, message after message; any text decodes in any split as in one piece, exactly when it is whole padded
 * quanta the JDK's decoder accepts, and fails only with 1007, releasing every buffer.
 */
class Base64ChunkDecoderPropertyTest {

    /** Feeds one message's text in pieces; the decoded bytes as hex, or "1007". */
    private static String decode(Base64ChunkDecoder decoder, byte[] text, int[] cuts, LeakCheckingAllocator alloc) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : text.length;
            ByteBuf decoded;
            try {
                decoded = decoder.decode(alloc.read(text, from, to), i == cuts.length);
            } catch (CorruptedWebSocketFrameException e) {
                assertThat(e.closeStatus().code()).isEqualTo(1007);
                return "1007";
            }
            out.writeBytes(ByteBufUtil.getBytes(decoded));
            decoded.release();
            from = to;
        }
        return HexFormat.of().formatHex(out.toByteArray());
    }

    @Property(tries = 300)
    void encodedBytesDecodeBackWhateverTheSplit(@ForAll("messages") List<byte[]> messages,
            @ForAll("cuts") List<Integer> cuts) {
        LeakCheckingAllocator alloc = new LeakCheckingAllocator();
        Base64ChunkDecoder decoder = new Base64ChunkDecoder();
        for (byte[] message : messages) {
            byte[] text = Base64.getEncoder().encode(message);
            assertThat(decode(decoder, text, Utf8ValidatorPropertyTest.cutPoints(cuts, text.length), alloc))
                    .isEqualTo(HexFormat.of().formatHex(message));
        }
        assertThat(alloc.unreleased()).isEmpty();
    }

    @Property(tries = 500)
    void anyTextHasOneOutcomeWhateverTheSplitAndAgreesWithTheJdk(@ForAll("base64ish") byte[] text,
            @ForAll("cuts") List<Integer> cuts) {
        LeakCheckingAllocator alloc = new LeakCheckingAllocator();
        String whole = decode(new Base64ChunkDecoder(), text, new int[0], alloc);
        String split = decode(new Base64ChunkDecoder(), text, Utf8ValidatorPropertyTest.cutPoints(cuts, text.length),
                alloc);
        assertThat(split).isEqualTo(whole);
        assertThat(whole).isEqualTo(jdk(text));
        assertThat(alloc.unreleased()).isEmpty();
    }

    /** The JDK's verdict, stricter where Sluice is: a message must be whole 4-character quanta. */
    private static String jdk(byte[] text) {
        if (text.length % 4 != 0) {
            return "1007";
        }
        try {
            return HexFormat.of().formatHex(Base64.getDecoder().decode(text));
        } catch (IllegalArgumentException e) {
            return "1007";
        }
    }

    @Provide
    Arbitrary<List<byte[]>> messages() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(40).list().ofMinSize(1).ofMaxSize(4);
    }

    /** Mostly alphabet and padding characters, so that many samples are valid or nearly so. */
    @Provide
    Arbitrary<byte[]> base64ish() {
        Arbitrary<Character> c = Arbitraries.frequencyOf(
                Tuple.of(20, Arbitraries.chars().with(
                        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray())),
                Tuple.of(3, Arbitraries.just('=')),
                Tuple.of(1, Arbitraries.chars().with(" \r\n-_.\u00e9".toCharArray())));
        Arbitrary<byte[]> random = c.list().ofMaxSize(16).map(chars -> {
            StringBuilder s = new StringBuilder();
            chars.forEach(s::append);
            return s.toString().getBytes(StandardCharsets.UTF_8);
        });
        Arbitrary<byte[]> encoded = Arbitraries.bytes().array(byte[].class).ofMaxSize(12)
                .map(b -> Base64.getEncoder().encode(b));
        return Arbitraries.frequencyOf(Tuple.of(3, random), Tuple.of(1, encoded));
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().between(0, 100).list().ofMaxSize(6);
    }
}
