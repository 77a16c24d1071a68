package io.sluice.tunnel.frame;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.sluice.tunnel.property.Gen;
import io.sluice.tunnel.property.Property;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Properties of {@link Base64ChunkDecoder}: the standard encoding of any bytes, split anywhere, decodes to those
 * bytes, message after message; any text decodes in any split as in one piece, exactly when it is whole padded
 * quanta the JDK's decoder accepts, and fails only with 1007, releasing every buffer.
 */
class Base64ChunkDecoderPropertyTest {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /** One message's bytes, its base64 text, and where that text is split into reads. */
    record Message(byte[] bytes, byte[] text, int[] cuts) {
    }

    /** Any text and where it is split. */
    record Text(byte[] text, int[] cuts) {
    }

    /** Feeds one message's text in pieces; the decoded bytes as hex, or "1007". */
    private static String decode(Base64ChunkDecoder decoder, byte[] text, int[] cuts, LeakCheckingAllocator alloc) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : text.length;
            ByteBuf decoded;
            try {
                decoded = decoder.decode(alloc.read(text, from, to), i == cuts.length);
            } catch (InvalidBase64Exception e) {
                return "1007"; // the session's close for it (CloseReason.CLIENT_NOT_BASE64)
            }
            out.writeBytes(ByteBufUtil.getBytes(decoded));
            decoded.release();
            from = to;
        }
        return HexFormat.of().formatHex(out.toByteArray());
    }

    @Test
    void encodedBytesDecodeBackWhateverTheSplit() {
        Property.forAll(300, g -> g.list(1, 4, () -> message(g)), messages -> {
            LeakCheckingAllocator alloc = new LeakCheckingAllocator();
            Base64ChunkDecoder decoder = new Base64ChunkDecoder();
            for (Message message : messages) {
                assertThat(decode(decoder, message.text(), message.cuts(), alloc))
                        .isEqualTo(HexFormat.of().formatHex(message.bytes()));
            }
            assertThat(alloc.unreleased()).isEmpty();
        });
    }

    @Test
    void anyTextHasOneOutcomeWhateverTheSplitAndAgreesWithTheJdk() {
        Property.forAll(500, g -> {
            byte[] text = base64ish(g);
            return new Text(text, g.cuts(text.length, 6));
        }, in -> {
            LeakCheckingAllocator alloc = new LeakCheckingAllocator();
            String whole = decode(new Base64ChunkDecoder(), in.text(), new int[0], alloc);
            String split = decode(new Base64ChunkDecoder(), in.text(), in.cuts(), alloc);
            assertThat(split).isEqualTo(whole);
            assertThat(whole).isEqualTo(jdk(in.text()));
            assertThat(alloc.unreleased()).isEmpty();
        });
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

    private static Message message(Gen g) {
        byte[] bytes = g.bytes(40);
        byte[] text = Base64.getEncoder().encode(bytes);
        return new Message(bytes, text, g.cuts(text.length, 6));
    }

    /** Mostly alphabet and padding characters, so that many samples are valid or nearly so. */
    private static byte[] base64ish(Gen g) {
        if (g.oneIn(4)) {
            return Base64.getEncoder().encode(g.bytes(12));
        }
        StringBuilder s = new StringBuilder();
        for (int n = g.size(0, 16); n > 0; n--) {
            s.append(switch (g.weighted(20, 3, 1)) {
                case 0 -> ALPHABET.charAt(g.between(0, ALPHABET.length() - 1));
                case 1 -> '=';
                default -> " \r\n-_.\u00e9".charAt(g.between(0, 6));
            });
        }
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }
}
