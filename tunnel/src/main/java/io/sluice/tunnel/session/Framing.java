package io.sluice.tunnel.session;

import io.sluice.tunnel.frame.BackendFramer;

/** Makes the per-session payload converters for a {@link WireFormat}. Thread-safe (stateless). */
public interface Framing {

    /** A fresh framer for backend → client bytes. */
    BackendFramer backendFramer(WireFormat format);

    /** A fresh decoder for client → backend payloads. */
    ClientPayloadDecoder clientDecoder(WireFormat format);
}
