package io.sluice.tunnel.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Errors;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    private static Throwable connectFailure(EventLoopGroup group, Class<? extends io.netty.channel.Channel> type,
                                            SocketAddress address) {
        ChannelFuture f = new Bootstrap().group(group).channel(type).handler(new ChannelInboundHandlerAdapter())
                .connect(address).awaitUninterruptibly();
        assertThat(f.isSuccess()).isFalse();
        return f.cause();
    }
}
