package io.sluice.spawner.registry;

import java.util.Objects;

/**
 * What {@code hash} and {@code sticky} balancing hash on, filled in by the tunnel: the decoded request path without
 * query, the authority (lower-case host[:port] of the Host header) and the client's address as a string.
 */
public record SelectionKey(String path, String authority, String clientAddress) {
    public SelectionKey {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(authority, "authority");
        Objects.requireNonNull(clientAddress, "clientAddress");
    }
}
