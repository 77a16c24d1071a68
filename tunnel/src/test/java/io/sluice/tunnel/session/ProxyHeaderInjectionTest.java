package io.sluice.tunnel.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * What a client controls in the PROXY v2 header is the Host it sent (the authority TLV): it must stay one
 * length-prefixed value whatever its bytes, so a backend's parser can never be led to read a second header, another
 * TLV or a v1 line out of it, and the header's length field must always be the header's length.
 */
class ProxyHeaderInjectionTest {
    private static final UnpooledByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false);
    private static final InetSocketAddress CLIENT = new InetSocketAddress("192.0.2.7", 50123);
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 8080);

    /** The TLVs of a v2 header over IPv4, parsed as a receiver does: type → value. Fails when lengths disagree. */
    private static java.util.Map<Integer, byte[]> tlvs(ByteBuf header) {
        try {
            assertThat(header.getUnsignedShort(14)).as("declared length").isEqualTo(header.readableBytes() - 16);
            java.util.Map<Integer, byte[]> found = new java.util.LinkedHashMap<>();
            int at = 16 + 12;
            while (at < header.readableBytes()) {
                int type = header.getUnsignedByte(at);
                int length = header.getUnsignedShort(at + 1);
                byte[] value = new byte[length];
                header.getBytes(at + 3, value);
                assertThat(found.put(type, value)).as("TLV %d twice", type).isNull();
                at += 3 + length;
            }
            assertThat(at).as("TLVs end where the header ends").isEqualTo(header.readableBytes());
            return found;
        } finally {
            header.release();
        }
    }

    @Test
    void aHostCarryingAProxyLineOrAFakeTlvStaysOneAuthorityValue() {
        String hostile = "a\r\nPROXY TCP4 6.6.6.6 127.0.0.1 1 2\r\n\u0005\u0000\u0002xx";
        var tlvs = tlvs(ProxyHeaderV2.encode(ALLOC, CLIENT, LOCAL, hostile, "s-1"));
        assertThat(tlvs.keySet()).containsExactly(ProxyHeaderV2.PP2_TYPE_AUTHORITY, ProxyHeaderV2.PP2_TYPE_UNIQUE_ID);
        assertThat(new String(tlvs.get(ProxyHeaderV2.PP2_TYPE_AUTHORITY), StandardCharsets.ISO_8859_1))
                .isEqualTo(hostile);
        assertThat(tlvs.get(ProxyHeaderV2.PP2_TYPE_UNIQUE_ID)).isEqualTo("s-1".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void theHostsBytesGoOutAsTheClientSentThem() {
        // Netty hands header values over as one ISO-8859-1 char per byte: "é" in UTF-8 arrives as two chars.
        String wire = new String("h\u00e9.example".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        var tlvs = tlvs(ProxyHeaderV2.encode(ALLOC, CLIENT, LOCAL, wire, "s-1"));
        assertThat(tlvs.get(ProxyHeaderV2.PP2_TYPE_AUTHORITY))
                .isEqualTo("h\u00e9.example".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theLongestHostTheHttpCodecAdmitsKeepsTheLengthRight() {
        String host = "h".repeat(8192);
        var tlvs = tlvs(ProxyHeaderV2.encode(ALLOC, CLIENT, LOCAL, host, "s-1"));
        assertThat(tlvs.get(ProxyHeaderV2.PP2_TYPE_AUTHORITY)).hasSize(8192);
    }

    @Test
    void anAuthorityTooLongForTheLengthFieldIsLeftOutNeverWrapped() {
        String host = "h".repeat(70_000);
        var tlvs = tlvs(ProxyHeaderV2.encode(ALLOC, CLIENT, LOCAL, host, "s-1"));
        assertThat(tlvs.keySet()).containsExactly(ProxyHeaderV2.PP2_TYPE_UNIQUE_ID);
    }
}
