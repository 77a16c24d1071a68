package io.sluice.tunnel.session;

import io.sluice.tunnel.frame.BackendMessages;

/**
 * Makes the per-session payload converters of one route's {@code framing} for a {@link WireFormat}. Thread-safe
 * (stateless, or immutable settings such as {@code max-line-length}).
 */
public interface Framing {

    /** Fresh converter of backend → client bytes into messages. */
    BackendMessages backendMessages(WireFormat format);

    /** A fresh decoder for client → backend payloads. */
    ClientPayloadDecoder clientDecoder(WireFormat format);
}
