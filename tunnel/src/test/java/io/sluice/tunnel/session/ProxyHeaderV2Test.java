package io.sluice.tunnel.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.tunnel.tls.ClientTls;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The PROXY v2 header, byte for byte, against HAProxy's proxy-protocol.txt section 2.2. */
class ProxyHeaderV2Test {
    private static final UnpooledByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false);
    private static final String SIGNATURE = "0d0a0d0a000d0a515549540a";

    private static String hex(ByteBuf header) {
        try {
            return ByteBufUtil.hexDump(header);
        } finally {
            header.release();
        }
    }

    @Test
    void ipv4WithAuthorityAndUniqueId() {
        String header = hex(ProxyHeaderV2.encode(ALLOC, new InetSocketAddress("192.0.2.7", 50123),
                new InetSocketAddress("127.0.0.1", 8080), "example.com:8080", "9f3c-17"));

        assertThat(header).isEqualTo(SIGNATURE
                + "21" + "11" + "0029"                     // PROXY, TCP over IPv4, 12 + 19 + 10 = 41 bytes follow
                + "c0000207" + "7f000001" + "c3cb" + "1f90" // 192.0.2.7 -> 127.0.0.1, 50123 -> 8080
                + "02" + "0010" + ByteBufUtil.hexDump("example.com:8080".getBytes())
                + "05" + "0007" + ByteBufUtil.hexDump("9f3c-17".getBytes()));
    }

    @Test
    void ipv6AndAnIpv4ClientOnAnIpv6ListenerIsMapped() {
        String header = hex(ProxyHeaderV2.encode(ALLOC, new InetSocketAddress("192.0.2.7", 1),
                new InetSocketAddress("::1", 2), "", "x"));

        assertThat(header).isEqualTo(SIGNATURE + "21" + "21" + "0028"
                + "00000000000000000000ffffc0000207" + "00000000000000000000000000000001" + "0001" + "0002"
                + "05" + "0001" + "78");
    }

    @Test
    void aConnectionThatIsNotTcpIsSentAsUnspecifiedWithItsTlvs() {
        EmbeddedChannel embedded = new EmbeddedChannel();
        String header = hex(ProxyHeaderV2.encode(ALLOC, embedded.remoteAddress(), embedded.localAddress(), "h",
                "id"));

        assertThat(header).isEqualTo(SIGNATURE + "21" + "00" + "0009" + "02" + "0001" + "68" + "05" + "0002"
                + "6964");
        embedded.finishAndReleaseAll();
    }

    @Test
    void aClientOverTlsWithACertificateAddsTheSslTlvWithVersionCnAndCipher() {
        ClientTls tls = new ClientTls("TLSv1.3", "TLS_AES_128_GCM_SHA256", "CN=alice,O=Example", "alice",
                "CN=CA");
        String header = hex(ProxyHeaderV2.encode(ALLOC, new InetSocketAddress("192.0.2.7", 1),
                new InetSocketAddress("127.0.0.1", 2), "", "x", tls));

        String ssl = "07" + "00000000"                          // SSL, cert on the connection and session; verified
                + "21" + "0007" + ByteBufUtil.hexDump("TLSv1.3".getBytes())
                + "22" + "0005" + ByteBufUtil.hexDump("alice".getBytes())
                + "23" + "0016" + ByteBufUtil.hexDump("TLS_AES_128_GCM_SHA256".getBytes());
        assertThat(header).isEqualTo(SIGNATURE + "21" + "11" + "%04x".formatted(12 + 4 + 3 + ssl.length() / 2)
                + "c0000207" + "7f000001" + "0001" + "0002"
                + "05" + "0001" + "78"
                + "20" + "%04x".formatted(ssl.length() / 2) + ssl);
    }

    @Test
    void aClientOverTlsWithoutACertificateIsMarkedUnverifiedAndHasNoCn() {
        ClientTls tls = new ClientTls("TLSv1.2", "X", null, null, null);
        String header = hex(ProxyHeaderV2.encode(ALLOC, null, null, "", "x", tls));

        String ssl = "01" + "00000001" + "21" + "0007" + ByteBufUtil.hexDump("TLSv1.2".getBytes())
                + "23" + "0001" + "58";
        assertThat(header).endsWith("20" + "%04x".formatted(ssl.length() / 2) + ssl);
    }

    @Test
    void refusesAUniqueIdLongerThanTheSpecAllows() {
        assertThatThrownBy(() -> ProxyHeaderV2.encode(ALLOC, null, null, "", "x".repeat(129)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
