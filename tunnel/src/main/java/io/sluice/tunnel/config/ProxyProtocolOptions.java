package io.sluice.tunnel.config;

import io.sluice.spawner.spec.InvalidOptionException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@code server.proxy-protocol}: the load balancers in front of the listener. A connection from an address in
 * {@code accept} must start with a PROXY protocol header (v1 or v2) and the client address it carries is the one
 * Sluice uses; a connection from anywhere else must not send one. Immutable; validates itself.
 *
 * @param accept the blocks whose connections come through a PROXY-speaking balancer; never empty
 */
public record ProxyProtocolOptions(List<AddressBlock> accept) {

    public ProxyProtocolOptions {
        accept = List.copyOf(accept);
        if (accept.isEmpty()) {
            throw new InvalidOptionException("accept", "must list at least one address or block",
                    AddressBlock.ALLOWED + "; to take no PROXY headers, leave server.proxy-protocol out");
        }
    }

    /**
     * The options for {@code blocks} as written; every unparsable entry is reported at {@code accept[i]}.
     *
     * @throws InvalidOptionException naming each bad entry
     */
    public static ProxyProtocolOptions of(List<String> blocks) {
        Violations v = new Violations();
        List<AddressBlock> parsed = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            try {
                parsed.add(AddressBlock.parse(Objects.requireNonNull(blocks.get(i), "block")));
            } catch (IllegalArgumentException e) {
                v.add("accept[%d]".formatted(i), e.getMessage(), AddressBlock.ALLOWED);
            }
        }
        v.throwIfAny();
        return new ProxyProtocolOptions(parsed);
    }

    /** Whether a connection from {@code peer} must start with a PROXY header. */
    public boolean accepts(SocketAddress peer) {
        if (!(peer instanceof InetSocketAddress inet) || inet.getAddress() == null) {
            return false;
        }
        InetAddress address = inet.getAddress();
        return accept.stream().anyMatch(block -> block.contains(address));
    }
}
