package io.sluice.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Owns the client event loops (native epoll on Linux, NIO elsewhere) and opens connections with a bounded number of
 * handshakes in flight. Used by the main thread only; {@link #close()} stops the loops.
 */
final class Connector implements AutoCloseable {
    private final EventLoopGroup group;
    private final Class<? extends SocketChannel> channelType;

    Connector(int threads) {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(threads, io);
        this.channelType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
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

    /** Opens one connection to {@code target} with {@code handler} on one of the loops; safe from any thread. */
    ChannelFuture connect(Target target, ChannelHandler handler) {
        return new Bootstrap().group(group).channel(channelType)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
            .handler(handler)
            .connect(target.host(), target.port());
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
