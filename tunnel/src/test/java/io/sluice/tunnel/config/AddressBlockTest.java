package io.sluice.tunnel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CIDR blocks of server.proxy-protocol.accept: parsing without lookups, membership at the prefix boundary. */
class AddressBlockTest {

    @Test
    void anIpv4BlockHoldsExactlyItsPrefix() throws Exception {
        AddressBlock block = AddressBlock.parse("10.1.0.0/16");

        assertThat(block.contains(InetAddress.getByName("10.1.0.0"))).isTrue();
        assertThat(block.contains(InetAddress.getByName("10.1.255.255"))).isTrue();
        assertThat(block.contains(InetAddress.getByName("10.2.0.0"))).isFalse();
        assertThat(block.contains(InetAddress.getByName("10.0.255.255"))).isFalse();
        assertThat(block).hasToString("10.1.0.0/16");
    }

    @Test
    void prefixesThatAreNotWholeBytesCutInsideTheByte() throws Exception {
        AddressBlock block = AddressBlock.parse("192.168.1.64/27");

        assertThat(block.contains(InetAddress.getByName("192.168.1.64"))).isTrue();
        assertThat(block.contains(InetAddress.getByName("192.168.1.95"))).isTrue();
        assertThat(block.contains(InetAddress.getByName("192.168.1.96"))).isFalse();
        assertThat(block.contains(InetAddress.getByName("192.168.1.63"))).isFalse();
    }

    @Test
    void aBareAddressIsABlockOfOne() throws Exception {
        assertThat(AddressBlock.parse("127.0.0.1").prefixLength()).isEqualTo(32);
        assertThat(AddressBlock.parse("::1").prefixLength()).isEqualTo(128);
        assertThat(AddressBlock.parse("127.0.0.1").contains(InetAddress.getByName("127.0.0.2"))).isFalse();
    }

    @Test
    void ipv6BlocksMatchIpv6AndFamiliesNeverMix() throws Exception {
        AddressBlock v6 = AddressBlock.parse("fd00::/8");
        AddressBlock all4 = AddressBlock.parse("0.0.0.0/0");

        assertThat(v6.contains(InetAddress.getByName("fd12:3456::1"))).isTrue();
        assertThat(v6.contains(InetAddress.getByName("fe80::1"))).isFalse();
        assertThat(all4.contains(InetAddress.getByName("::1"))).isFalse();
        assertThat(all4.contains(InetAddress.getByName("203.0.113.9"))).isTrue();
        // A dual-stack listener's IPv4 peer arrives IPv4-mapped; the JDK hands it over as IPv4.
        assertThat(AddressBlock.parse("10.0.0.0/8").contains(InetAddress.getByName("::ffff:10.9.8.7"))).isTrue();
    }

    @Test
    void namesAndMalformedBlocksAreRefusedWithoutALookup() {
        for (String bad : List.of("localhost", "lb.example.com", "10.0.0/8", "10.0.0.0/", "10.0.0.0/-1",
                "10.0.0.0/33", "[::1]/128", "::1/129", "10.0.0.1/8")) {
            assertThatThrownBy(() -> AddressBlock.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void optionsAcceptOnlyInetPeersInTheirBlocks() {
        ProxyProtocolOptions options = ProxyProtocolOptions.of(List.of("127.0.0.1", "10.0.0.0/8"));

        assertThat(options.accepts(new InetSocketAddress("127.0.0.1", 5))).isTrue();
        assertThat(options.accepts(new InetSocketAddress("10.200.0.1", 5))).isTrue();
        assertThat(options.accepts(new InetSocketAddress("127.0.0.2", 5))).isFalse();
        assertThat(options.accepts(InetSocketAddress.createUnresolved("10.0.0.1", 5))).isFalse();
        assertThat(options.accepts(null)).isFalse();
    }
}
