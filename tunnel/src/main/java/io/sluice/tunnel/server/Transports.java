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
import io.netty.util.concurrent.DefaultThreadFactory;
import io.sluice.spawner.spec.BackendAddress;
import io.sluice.tunnel.config.RouteSpec;
import io.sluice.tunnel.config.ServerOptions;
import io.sluice.tunnel.config.SluiceConfig;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.time.Duration;
import jdk.net.ExtendedSocketOptions;

/**
 * The one place that decides the transport: native epoll when it loads, NIO otherwise (NIO also speaks unix
 * sockets since Java 16). Stateless and thread-safe.
 */
public final class Transports {

    private static final boolean EPOLL = Epoll.isAvailable();

    private Transports() {
    }

    /** Whether the native epoll transport is in use. */
    public static boolean nativeEpoll() {
        return EPOLL;
    }

    /**
     * Why {@code config} cannot run on this transport ({@code epoll}: whether the native epoll transport loads), or
     * null when it can: a per-connection program's stdio is an fd the tunnel adopts as a channel, which only epoll
     * can do (NIO has no way to wrap a raw fd).
     */
    static String unsupported(SluiceConfig config, boolean epoll) {
        if (epoll) {
            return null;
        }
        for (RouteSpec route : config.routes()) {
            if (route.cgi() != null) {
                return ("route %s: instances: per-connection needs Netty's native epoll transport (Linux), which is "
                        + "not available here (%s)").formatted(route.key(), Epoll.unavailabilityCause());
            }
        }
        return null;
    }

    /** A short name for logs: "epoll" or "nio". */
    public static String name() {
        return EPOLL ? "epoll" : "nio";
    }

    /** A Netty 4.2 event-loop group of the chosen transport; {@code threads} 0 means Netty's default (2 x cores). */
    public static EventLoopGroup newGroup(int threads, String threadPrefix) {
        IoHandlerFactory io = EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(threadPrefix, true), io);
    }

    /**
     * Turns on TCP keepalive for accepted connections: the first probe after {@code idle} without a packet from the
     * client, then one every {@code idle}, and the connection fails after
     * {@link ServerOptions#TCP_KEEPALIVE_PROBES} unanswered ones. Zero leaves keepalive off. On epoll they are set on
     * the listening socket, once: Linux copies a listener's keepalive settings to every connection it accepts, which
     * saves four setsockopt calls per connection. NIO can only set them on each connection.
     */
    public static void keepAlive(ServerBootstrap bootstrap, Duration idle) {
        if (idle.isZero()) {
            return;
        }
        int seconds = Math.toIntExact(idle.getSeconds());
        int probes = ServerOptions.TCP_KEEPALIVE_PROBES;
        if (EPOLL) {
            bootstrap.option(ListenerKeepalive.SO_KEEPALIVE, 1)
                    .option(ListenerKeepalive.TCP_KEEPIDLE, seconds)
                    .option(ListenerKeepalive.TCP_KEEPINTVL, seconds)
                    .option(ListenerKeepalive.TCP_KEEPCNT, probes);
            return;
        }
        bootstrap.childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE), seconds)
                .childOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL), seconds)
                .childOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT), probes);
    }

    /** The keepalive options as plain setsockopt calls, which a native listening socket takes (Linux numbers). */
    private static final class ListenerKeepalive {
        static final IntegerUnixChannelOption SO_KEEPALIVE = new IntegerUnixChannelOption("SO_KEEPALIVE", 1, 9);
        static final IntegerUnixChannelOption TCP_KEEPIDLE = new IntegerUnixChannelOption("TCP_KEEPIDLE", 6, 4);
        static final IntegerUnixChannelOption TCP_KEEPINTVL = new IntegerUnixChannelOption("TCP_KEEPINTVL", 6, 5);
        static final IntegerUnixChannelOption TCP_KEEPCNT = new IntegerUnixChannelOption("TCP_KEEPCNT", 6, 6);
    }

    /** The listening TCP channel class. */
    public static Class<? extends ServerChannel> serverChannel() {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** The client channel class for a backend address: TCP or unix domain socket. */
    public static Class<? extends Channel> backendChannel(BackendAddress address) {
        if (address instanceof BackendAddress.UnixPath) {
            return EPOLL ? EpollDomainSocketChannel.class : NioDomainSocketChannel.class;
        }
        return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /**
     * The socket address to connect to. Epoll wants Netty's {@code DomainSocketAddress}; NIO wants the JDK's
     * {@code UnixDomainSocketAddress} (the other one fails with UnsupportedAddressTypeException).
     */
    public static SocketAddress socketAddress(BackendAddress address) {
        if (address instanceof BackendAddress.UnixPath unix) {
            return EPOLL ? new DomainSocketAddress(unix.path().toString()) : UnixDomainSocketAddress.of(unix.path());
        }
        BackendAddress.Tcp tcp = (BackendAddress.Tcp) address;
        // Unresolved: the Bootstrap's resolver does the lookup, not the caller's thread up front.
        return InetSocketAddress.createUnresolved(tcp.host(), tcp.port());
    }
}
