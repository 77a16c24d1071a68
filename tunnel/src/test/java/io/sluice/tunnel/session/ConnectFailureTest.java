package io.sluice.tunnel.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Errors;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDomainSocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringSocketChannel;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Whose fault a failed backend connect is: the backend's refusals count against it, Sluice's own shortages do not. */
class ConnectFailureTest {

    @Test
    void theBackendsRefusalsBlameTheBackend() {
        assertThat(ConnectFailure.blamesBackend(new ConnectException(
                "connect(..) failed with error(-111): Connection refused: /tmp/w.sock-0"))).isTrue();
        assertThat(ConnectFailure.blamesBackend(new ConnectException(
                "connect(..) failed with error(-11): Resource temporarily unavailable"))).isTrue();
        assertThat(ConnectFailure.blamesBackend(new ConnectException(
                "connect(..) failed with error(-104): Connection reset by peer"))).isTrue();
        assertThat(ConnectFailure.blamesBackend(new ConnectTimeoutException("connection timed out"))).isTrue();
        assertThat(ConnectFailure.blamesBackend(new FileNotFoundException())).isTrue();
        assertThat(ConnectFailure.blamesBackend(new ConnectException("Connection refused"))).as("NIO").isTrue();
    }

    @Test
    void sluicesOwnShortagesAndUnknownFailuresDoNot() {
        Epoll.ensureAvailability(); // Netty's errno texts come from its native library
        assertThat(ConnectFailure.blamesBackend(
                new ChannelException(new Errors.NativeIoException("newSocketStream", -24)))).isFalse();
        assertThat(ConnectFailure.blamesBackend(new ChannelException("Unable to create Channel",
                new SocketException("Too many open files")))).as("NIO").isFalse();
        assertThat(ConnectFailure.blamesBackend(new ConnectException(
                "connect(..) failed with error(-99): Cannot assign requested address"))).isFalse();
        assertThat(ConnectFailure.blamesBackend(new ConnectException(
                "connect(..) failed with error(-105): No buffer space available"))).isFalse();
        assertThat(ConnectFailure.blamesBackend(new IOException("something else"))).isFalse();
    }

    @Test
    void describesAFailureInTheCLibrarysWords() {
        Epoll.ensureAvailability();
        assertThat(ConnectFailure.inWords(new ChannelException("Unable to create Channel from class X",
                new Errors.NativeIoException("newSocketStream", -24)))).isEqualTo("Too many open files");
        assertThat(ConnectFailure.inWords(new ChannelException("Unable to create Channel",
                new SocketException("Too many open files")))).isEqualTo("Too many open files");
    }

    @Test
    void realRefusalsOfTheNativeTransportBlameTheBackend() throws Exception {
        Epoll.ensureAvailability();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "sluice-connect");
        try {
            int closedPort;
            try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                closedPort = probe.getLocalPort();
            }
            assertThat(ConnectFailure.blamesBackend(connectFailure(group, EpollSocketChannel.class,
                    new InetSocketAddress("127.0.0.1", closedPort)))).as("ECONNREFUSED").isTrue();
            assertThat(ConnectFailure.blamesBackend(connectFailure(group, EpollDomainSocketChannel.class,
                    new DomainSocketAddress(dir.resolve("missing.sock").toString())))).as("ENOENT").isTrue();
        } finally {
            group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
            Files.deleteIfExists(dir);
        }
    }

    /**
     * Netty's io_uring transport (server.transport: io_uring) reports connect failures in its own words ("io_uring
     * connect(..) failed with error(-111)"): the same refusals must blame the backend, a full accept queue included.
     */
    @Test
    void realRefusalsOfTheIoUringTransportBlameTheBackend() throws Exception {
        Assumptions.assumeTrue(IoUring.isAvailable(), () -> "io_uring is not available here: "
                + IoUring.unavailabilityCause());
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, IoUringIoHandler.newFactory());
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "sluice-connect");
        Path full = dir.resolve("full.sock");
        List<io.netty.channel.Channel> queued = new ArrayList<>();
        try (ServerSocketChannel neverAccepts = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            int closedPort;
            try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                closedPort = probe.getLocalPort();
            }
            assertThat(ConnectFailure.blamesBackend(connectFailure(group, IoUringSocketChannel.class,
                    new InetSocketAddress("127.0.0.1", closedPort)))).as("ECONNREFUSED").isTrue();
            assertThat(ConnectFailure.blamesBackend(connectFailure(group, IoUringDomainSocketChannel.class,
                    new DomainSocketAddress(dir.resolve("missing.sock").toString())))).as("ENOENT").isTrue();

            neverAccepts.bind(UnixDomainSocketAddress.of(full), 1);
            Throwable refused = null;
            for (int i = 0; i < 8 && refused == null; i++) {
                ChannelFuture f = new Bootstrap().group(group).channel(IoUringDomainSocketChannel.class)
                        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2000)
                        .handler(new ChannelInboundHandlerAdapter())
                        .connect(new DomainSocketAddress(full.toString())).awaitUninterruptibly();
                queued.add(f.channel());
                refused = f.cause();
            }
            assertThat(refused).as("a connect to a full accept queue fails").isNotNull();
            assertThat(refused).as("and at once, not after the connect timeout")
                    .isNotInstanceOf(ConnectTimeoutException.class);
            assertThat(ConnectFailure.blamesBackend(refused)).as("EAGAIN: %s", refused).isTrue();
            // Closed before the listener is, which would reset them.
            queued.forEach(ch -> ch.close().syncUninterruptibly());
        } finally {
            queued.forEach(io.netty.channel.Channel::close);
            group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
            Files.deleteIfExists(full);
            Files.deleteIfExists(dir);
        }
    }

    private static Throwable connectFailure(EventLoopGroup group, Class<? extends io.netty.channel.Channel> type,
                                            SocketAddress address) {
        ChannelFuture f = new Bootstrap().group(group).channel(type).handler(new ChannelInboundHandlerAdapter())
                .connect(address).awaitUninterruptibly();
        assertThat(f.isSuccess()).isFalse();
        return f.cause();
    }
}
