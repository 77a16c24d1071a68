package io.sluice.tunnel.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * A CIDR block such as {@code 10.0.0.0/8} or {@code fd00::/8}; a bare address is the block of that one address.
 * IPv4 blocks match IPv4 peers only and IPv6 blocks IPv6 peers only (an IPv4-mapped IPv6 peer is an IPv4 peer: the
 * JDK hands it over as one). Immutable.
 *
 * @param network      the block's first address (host bits zero)
 * @param prefixLength how many leading bits a member shares with {@code network}
 */
public record AddressBlock(InetAddress network, int prefixLength) {
    static final String ALLOWED = "an IP address or a CIDR block such as 10.0.0.0/8, 192.168.1.7 or fd00::/8";

    public AddressBlock {
        Objects.requireNonNull(network, "network");
        int bits = network.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length must be 0..%d, got %d".formatted(bits, prefixLength));
        }
        if (!network.equals(masked(network, prefixLength))) {
            throw new IllegalArgumentException("%s has bits set past the /%d prefix; the block is %s/%d"
                    .formatted(network.getHostAddress(), prefixLength,
                            masked(network, prefixLength).getHostAddress(), prefixLength));
        }
    }

    /**
     * Parses {@code ADDRESS} or {@code ADDRESS/PREFIX} without a name lookup.
     *
     * @throws IllegalArgumentException with a one-line reason when {@code text} is neither
     */
    public static AddressBlock parse(String text) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        InetAddress network = literal(address);
        if (network == null) {
            throw new IllegalArgumentException("'%s' is not an IP address".formatted(address));
        }
        if (slash < 0) {
            return new AddressBlock(network, network.getAddress().length * 8);
        }
        String prefix = text.substring(slash + 1);
        if (!prefix.matches("\\d{1,3}")) {
            throw new IllegalArgumentException("'%s' is not a prefix length".formatted(prefix));
        }
        return new AddressBlock(network, Integer.parseInt(prefix));
    }

    /** Whether {@code address} is in the block. */
    public boolean contains(InetAddress address) {
        return address.getAddress().length == network.getAddress().length
                && network.equals(masked(address, prefixLength));
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefixLength;
    }

    /** An IPv4 dotted quad or an IPv6 literal, else null; never a name lookup. */
    private static InetAddress literal(String text) {
        boolean v4 = ServerOptions.isAddressLiteral(text) && text.indexOf(':') < 0 && !text.equals("localhost");
        boolean v6 = text.indexOf(':') >= 0 && ServerOptions.isAddressLiteral(text);
        if (!v4 && !v6) {
            return null;
        }
        try {
            return InetAddress.getByName(text); // a literal: parsed, not looked up
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static InetAddress masked(InetAddress address, int prefixLength) {
        byte[] bytes = address.getAddress();
        for (int i = 0; i < bytes.length; i++) {
            int keep = Math.max(0, Math.min(8, prefixLength - i * 8));
            bytes[i] &= (byte) (0xff << (8 - keep));
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a 4 or 16 byte address is always valid", e);
        }
    }
}
