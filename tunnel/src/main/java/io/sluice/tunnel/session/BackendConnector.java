package io.sluice.tunnel.session;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.sluice.spawner.registry.Lease;

/**
 * Opens the backend channel for a session on the client channel's own event loop, AUTO_READ off, with the given
 * handler installed. Implementations are stateless or thread-safe.
 */
@FunctionalInterface
public interface BackendConnector {

    /** Starts connecting to {@code lease.address()} within {@code lease.connectTimeout()}; never blocks. */
    ChannelFuture connect(Channel client, Lease lease, ChannelHandler backendHandler);
}
