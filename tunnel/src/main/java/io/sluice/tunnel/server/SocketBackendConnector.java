package io.sluice.tunnel.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelPromise;
import io.netty.channel.group.ChannelGroup;
import io.sluice.spawner.registry.Lease;
import io.sluice.spawner.spec.BackendAddress;
import io.sluice.tunnel.session.BackendConnector;

/**
 * Connects to a lease's unix or TCP address with the server's {@link Transport}, on the client channel's
 * own event loop (no cross-thread hand-off), AUTO_READ off, explicit water marks, {@code connect-timeout} per try; a
 * per-connection program's lease goes to {@link StdioBackendConnector} instead.
 * Thread-safe; every backend channel joins {@code backends} so a forced stop can close them. Call on the client's
 * event loop: the channel then registers before {@code connect} returns.
 */
final class SocketBackendConnector implements BackendConnector {
    private final ChannelGroup backends;
    private final Transport transport;
    private final StdioBackendConnector programs;

    /** {@code transport} is the client channels' own: a backend channel registers on its client's event loop. */
    SocketBackendConnector(ChannelGroup backends, Transport transport) {
        this.backends = backends;
        this.transport = transport;
        this.programs = new StdioBackendConnector(backends);
    }

    @Override
    public ChannelFuture connect(Channel client, Lease lease, ChannelHandler backendHandler) {
        BackendAddress address = lease.address();
        if (address instanceof BackendAddress.Stdio) {
            return programs.connect(client, lease, backendHandler);
        }
        long timeoutMs = lease.connectTimeout().toMillis();
        Bootstrap bootstrap = new Bootstrap()
                .group(client.eventLoop())
                .channel(transport.backendChannel(address))
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, TunnelServer.WATER_MARK)
                // 0 = no bound of our own (the OS still gives up eventually).
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(timeoutMs, Integer.MAX_VALUE))
                .handler(backendHandler);
        if (address instanceof BackendAddress.Tcp) {
            bootstrap.option(ChannelOption.TCP_NODELAY, true);
        }
        ChannelFuture future = bootstrap.connect(transport.socketAddress(address));
        Channel channel = future.channel();
        if (future.isDone() && !future.isSuccess() && !channel.isRegistered()) {
            // The socket could not even be created (socket() failed: EMFILE, ENFILE, ENOBUFS): Netty hands back a
            // placeholder that belongs to no event loop and whose future notifies on another thread. Keep it out of
            // the group (a stop would wait for it and then fail to close it), and fail on the session's own loop.
            return new DefaultChannelPromise(channel, client.eventLoop()).setFailure(future.cause());
        }
        backends.add(channel);
        return future;
    }
}
