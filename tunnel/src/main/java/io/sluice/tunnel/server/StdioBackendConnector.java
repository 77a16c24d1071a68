package io.sluice.tunnel.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.group.ChannelGroup;
import io.sluice.spawner.registry.Lease;
import io.sluice.spawner.registry.StdioEnd;
import io.sluice.tunnel.stdio.StdioChannels;

/**
 * Connects a session to its per-connection program: takes the program's stdin/stdout end from the lease (once; it is
 * then the channel's), wraps it ({@link StdioChannels}) and registers it on the client channel's own event loop,
 * AUTO_READ off, the tunnel's water marks, the backend handler installed. There is nothing to connect to: the
 * registration is the connect, and it completes at once. Needs the epoll transport (NIO cannot adopt an fd, io_uring
 * only internally), which the configuration and {@link Transports#choose} ensure. Thread-safe; call on the client's
 * event loop.
 */
final class StdioBackendConnector {
    private final ChannelGroup backends;

    StdioBackendConnector(ChannelGroup backends) {
        this.backends = backends;
    }

    ChannelFuture connect(Channel client, Lease lease, ChannelHandler backendHandler) {
        Channel program;
        try {
            StdioEnd end = lease.takeStdio();
            program = StdioChannels.wrap(end.fd(), end.terminal());
        } catch (RuntimeException e) {
            return client.newFailedFuture(e);
        }
        program.config().setAutoRead(false);
        program.config().setWriteBufferWaterMark(TunnelServer.WATER_MARK);
        program.pipeline().addLast(backendHandler);
        ChannelFuture registered = client.eventLoop().register(program);
        backends.add(program);
        return registered;
    }
}
