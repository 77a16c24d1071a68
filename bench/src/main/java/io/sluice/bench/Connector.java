package io.sluice.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * Owns the client event loops (native epoll on Linux, NIO elsewhere) and opens connections with a bounded number of
 * handshakes in flight. Used by the main thread only; {@link #close()} stops the loops.
 */
final class Connector implements AutoCloseable {
    private final EventLoopGroup group;
    private final Class<? extends SocketChannel> channelType;
    /** One client context for every connection (BoringSSL when it loads, as for the server); null without TLS. */
    private final SslContext tls;

    Connector(int threads, boolean tls) {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.tls = tls ? clientTls() : null;
        this.group = new MultiThreadIoEventLoopGroup(threads, io);
        this.channelType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** Trusts any certificate: the benchmarks run on loopback against certificates they made themselves. */
    private static SslContext clientTls() {
        try {
            return SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot make a client TLS context", e);
        }
    }

    EventLoopGroup group() {
        return group;
    }

    String transport() {
        return channelType == EpollSocketChannel.class ? "epoll" : "nio";
    }

    /**
     * Opens {@code count} connections, each waiting for a handshake slot; stops early (returning fewer) once
     * {@code keepGoing} says no, e.g. when memory runs low.
     */
    List<BenchConnection> open(RunControl control, Target target, int count, int size, int window,
                               java.util.function.BooleanSupplier keepGoing) throws InterruptedException {
        List<BenchConnection> connections = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (!control.connectSlots.tryAcquire(30, TimeUnit.SECONDS)) {
                control.error("no handshake completed within 30 s (after %d connections)".formatted(i));
                break;
            }
            if (control.errors() > 0 || !keepGoing.getAsBoolean()) {
                control.connectSlots.release();
                break;
            }
            BenchConnection connection = new BenchConnection(control, target, i, size, window);
            connections.add(connection);
            ChannelFuture connect = connect(target, connection);
            connect.addListener(f -> {
                if (!f.isSuccess()) {
                    connection.connectFailed(f.cause());
                }
            });
        }
        // connections never started still count down the latches the runs wait on
        for (int i = connections.size(); i < count; i++) {
            control.opened.countDown();
            control.settled.countDown();
        }
        return connections;
    }

    /**
     * Opens one connection to {@code target} with {@code handler} on one of the loops, under TLS first when the
     * target asks for it; safe from any thread.
     */
    ChannelFuture connect(Target target, ChannelHandler handler) {
        return new Bootstrap().group(group).channel(channelType)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
            .handler(target.tls() ? overTls(target, handler) : handler)
            .connect(target.host(), target.port());
    }

    private ChannelHandler overTls(Target target, ChannelHandler handler) {
        return new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(tls.newHandler(ch.alloc(), target.host(), target.port()), handler);
            }
        };
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
