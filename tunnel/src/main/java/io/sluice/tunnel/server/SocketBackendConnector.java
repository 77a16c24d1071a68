package io.sluice.tunnel.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.sluice.spawner.registry.Lease;
import io.sluice.spawner.spec.BackendAddress;
import io.sluice.tunnel.session.BackendConnector;

/**
 * Connects to a lease's unix or TCP address with the transport from {@link Transports}, on the client channel's
 * own event loop (no cross-thread hand-off), AUTO_READ off, explicit water marks, {@code connect-timeout} per try.
 * Thread-safe; every backend channel joins {@code backends} so a forced stop can close them.
 */
final class SocketBackendConnector implements BackendConnector {
    private final ChannelGroup backends;

    SocketBackendConnector(ChannelGroup backends) {
        this.backends = backends;
    }

    @Override
    public ChannelFuture connect(Channel client, Lease lease, ChannelHandler backendHandler) {
        BackendAddress address = lease.address();
        long timeoutMs = lease.connectTimeout().toMillis();
        Bootstrap bootstrap = new Bootstrap()
                .group(client.eventLoop())
                .channel(Transports.backendChannel(address))
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, TunnelServer.WATER_MARK)
                // 0 = no bound of our own (the OS still gives up eventually).
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(timeoutMs, Integer.MAX_VALUE))
                .handler(backendHandler);
        if (address instanceof BackendAddress.Tcp) {
            bootstrap.option(ChannelOption.TCP_NODELAY, true);
        }
        ChannelFuture future = bootstrap.connect(Transports.socketAddress(address));
        backends.add(future.channel());
        return future;
    }
}
