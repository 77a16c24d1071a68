package io.sluice.tunnel.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelPromise;
import io.netty.channel.ReflectiveChannelFactory;
import io.netty.channel.group.ChannelGroup;
import io.netty.util.NetUtil;
import io.sluice.spawner.registry.Lease;
import io.sluice.spawner.spec.BackendAddress;
import io.sluice.tunnel.session.BackendConnector;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Connects to a lease's unix or TCP address with the server's {@link Transport}, on the client channel's own event
 * loop (no cross-thread hand-off), AUTO_READ off, explicit water marks, {@code connect-timeout} per try: directly
 * when the address needs no lookup, through a Bootstrap (and its resolver) for a host name. A
 * per-connection program's lease goes to {@link StdioBackendConnector} instead.
 * Thread-safe; every backend channel joins {@code backends} so a forced stop can close them. Call on the client's
 * event loop: the channel then registers before {@code connect} returns.
 */
final class SocketBackendConnector implements BackendConnector {
    /** One reflective factory per channel class, made once (Bootstrap makes one per connect). */
    private static final Map<Class<? extends Channel>, ChannelFactory<? extends Channel>> CHANNELS =
            new ConcurrentHashMap<>();
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
        int timeoutMs = (int) Math.min(lease.connectTimeout().toMillis(), Integer.MAX_VALUE);
        SocketAddress resolved = resolvedAtOnce(address);
        return resolved == null ? connectByName(client, address, timeoutMs, backendHandler)
                : connectDirectly(client, address, resolved, timeoutMs, backendHandler);
    }

    /**
     * A unix path or an IP address: the channel is made, registered and connected right here on the client's loop,
     * without a Bootstrap (no resolver, no option map, no task hop before the connect). A unix socket connects at
     * once, so the session can answer within the read of its request.
     */
    private ChannelFuture connectDirectly(Channel client, BackendAddress address, SocketAddress remote, int timeoutMs,
                                          ChannelHandler backendHandler) {
        Channel channel;
        try {
            channel = CHANNELS.computeIfAbsent(transport.backendChannel(address), ReflectiveChannelFactory::new)
                    .newChannel();
        } catch (ChannelException e) {
            // socket() failed (EMFILE, ENFILE, ENOBUFS): Sluice's shortage, which ConnectFailure does not blame on
            // the worker. No channel exists, so the failure is reported on the client's.
            return client.newFailedFuture(e);
        }
        // TCP_NODELAY needs no option: Netty's socket channels turn it on themselves.
        channel.config().setAutoRead(false);
        channel.config().setWriteBufferWaterMark(TunnelServer.WATER_MARK);
        // 0 = no bound of our own (the OS still gives up eventually).
        channel.config().setConnectTimeoutMillis(timeoutMs);
        channel.pipeline().addLast(backendHandler);
        ChannelPromise connected = channel.newPromise();
        client.eventLoop().register(channel).addListener((ChannelFutureListener) registered -> {
            if (registered.isSuccess()) {
                channel.connect(remote, connected);
            } else {
                connected.setFailure(registered.cause());
            }
        });
        backends.add(channel);
        return connected;
    }

    /** A host name: the Bootstrap's resolver looks it up without blocking the loop. */
    private ChannelFuture connectByName(Channel client, BackendAddress address, int timeoutMs,
                                       ChannelHandler backendHandler) {
        Bootstrap bootstrap = new Bootstrap()
                .group(client.eventLoop())
                .channel(transport.backendChannel(address))
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, TunnelServer.WATER_MARK)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMs)
                .handler(backendHandler);
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

    /** The address to connect to when it needs no lookup (a unix path, an IP literal), else null. */
    private SocketAddress resolvedAtOnce(BackendAddress address) {
        if (address instanceof BackendAddress.Tcp tcp) {
            byte[] ip = NetUtil.createByteArrayFromIpAddressString(tcp.host());
            if (ip == null) {
                return null;
            }
            try {
                return new InetSocketAddress(InetAddress.getByAddress(tcp.host(), ip), tcp.port());
            } catch (UnknownHostException e) {
                return null; // not a valid address length after all: let the resolver say so
            }
        }
        return transport.socketAddress(address);
    }
}
