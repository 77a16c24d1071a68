package io.sluice.tunnel.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDomainSocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.sluice.spawner.spec.BackendAddress;
import io.sluice.tunnel.config.ServerOptions;
import io.sluice.tunnel.config.TransportPreference;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.time.Duration;
import jdk.net.ExtendedSocketOptions;

/**
 * One of Netty's transports as Sluice uses it: the event loops, the listening channel, the backend channels (TCP and
 * unix), backend addresses in the form the transport connects to, and TCP keepalive. A server uses one transport for
 * all of them, since a backend channel registers on its client's event loop. Which one is
 * {@link Transports#choose}'s decision. Stateless.
 */
public enum Transport {
    EPOLL("epoll"),
    IO_URING("io_uring"),
    NIO("nio");

    private final String configName;

    Transport(String configName) {
        this.configName = configName;
    }

    /** The name {@code server.transport} and the logs use. */
    public String configName() {
        return configName;
    }

    /** Why this transport cannot run here (Netty's own reason), or null when it can. Loads its native library. */
    public Throwable unavailabilityCause() {
        return switch (this) {
            case EPOLL -> Epoll.unavailabilityCause();
            case IO_URING -> IoUring.unavailabilityCause();
            case NIO -> null;
        };
    }

    /**
     * Whether a per-connection program's stdin/stdout fd can be adopted as a channel on this transport's loops: only
     * epoll's. NIO cannot wrap an fd at all; Netty's io_uring domain-socket channel can only internally (its fd
     * constructor is not public in 4.2), and a pseudo-terminal master is no socket for any of them ({@code PtyChannel}
     * is an epoll handle). The rule is the configuration's ({@link TransportPreference#adoptsProgramFds}).
     */
    public boolean adoptsProgramFds() {
        return TransportPreference.valueOf(name()).adoptsProgramFds();
    }

    /** An event-loop group of this transport; {@code threads} 0 means Netty's default (2 x cores). */
    public EventLoopGroup newGroup(int threads, String threadPrefix) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(threadPrefix, true), ioHandler());
    }

    private IoHandlerFactory ioHandler() {
        return switch (this) {
            case EPOLL -> EpollIoHandler.newFactory();
            case IO_URING -> IoUringIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
    }

    /** The listening TCP channel class. */
    public Class<? extends ServerChannel> serverChannel() {
        return switch (this) {
            case EPOLL -> EpollServerSocketChannel.class;
            case IO_URING -> IoUringServerSocketChannel.class;
            case NIO -> NioServerSocketChannel.class;
        };
    }

    /** The client channel class for a backend address: TCP or unix domain socket. */
    public Class<? extends Channel> backendChannel(BackendAddress address) {
        boolean unix = address instanceof BackendAddress.UnixPath;
        return switch (this) {
            case EPOLL -> unix ? EpollDomainSocketChannel.class : EpollSocketChannel.class;
            case IO_URING -> unix ? IoUringDomainSocketChannel.class : IoUringSocketChannel.class;
            case NIO -> unix ? NioDomainSocketChannel.class : NioSocketChannel.class;
        };
    }

    /**
     * The socket address to connect to. The native transports want Netty's {@code DomainSocketAddress}; NIO wants the
     * JDK's {@code UnixDomainSocketAddress} (the other one fails with UnsupportedAddressTypeException).
     */
    public SocketAddress socketAddress(BackendAddress address) {
        if (address instanceof BackendAddress.UnixPath unix) {
            return this == NIO ? UnixDomainSocketAddress.of(unix.path())
                    : new DomainSocketAddress(unix.path().toString());
        }
        BackendAddress.Tcp tcp = (BackendAddress.Tcp) address;
        // Unresolved: the Bootstrap's resolver does the lookup, not the caller's thread up front.
        return InetSocketAddress.createUnresolved(tcp.host(), tcp.port());
    }

    /**
     * Turns on TCP keepalive for accepted connections: the first probe after {@code idle} without a packet from the
     * client, then one every {@code idle}, and the connection fails after
     * {@link ServerOptions#TCP_KEEPALIVE_PROBES} unanswered ones. Zero leaves keepalive off.
     */
    public void keepAlive(ServerBootstrap bootstrap, Duration idle) {
        if (idle.isZero()) {
            return;
        }
        int seconds = Math.toIntExact(idle.getSeconds());
        int probes = ServerOptions.TCP_KEEPALIVE_PROBES;
        if (this == NIO) {
            bootstrap.childOption(ChannelOption.SO_KEEPALIVE, true)
                    .childOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE), seconds)
                    .childOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL), seconds)
                    .childOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT), probes);
            return;
        }
        // Native listeners take them once, before bind: Linux copies a listener's keepalive settings to every
        // connection it accepts, which saves four setsockopt calls per connection.
        bootstrap.option(ListenerKeepalive.SO_KEEPALIVE, 1)
                .option(ListenerKeepalive.TCP_KEEPIDLE, seconds)
                .option(ListenerKeepalive.TCP_KEEPINTVL, seconds)
                .option(ListenerKeepalive.TCP_KEEPCNT, probes);
    }

    /** The keepalive options as plain setsockopt calls, which epoll's and io_uring's listeners take (Linux numbers). */
    private static final class ListenerKeepalive {
        static final IntegerUnixChannelOption SO_KEEPALIVE = new IntegerUnixChannelOption("SO_KEEPALIVE", 1, 9);
        static final IntegerUnixChannelOption TCP_KEEPIDLE = new IntegerUnixChannelOption("TCP_KEEPIDLE", 6, 4);
        static final IntegerUnixChannelOption TCP_KEEPINTVL = new IntegerUnixChannelOption("TCP_KEEPINTVL", 6, 5);
        static final IntegerUnixChannelOption TCP_KEEPCNT = new IntegerUnixChannelOption("TCP_KEEPCNT", 6, 6);
    }
}
