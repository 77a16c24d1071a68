package io.sluice.spawner.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.spawner.posix.Posix;
import io.sluice.spawner.spec.BackendAddress;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ListenSocketTest {
    private Path dir;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory(Path.of("/tmp"), "sluice");
    }

    @AfterEach
    void tearDown() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void listensWithMode0600CloseOnExecAndBlockingThenUnlinksOnClose() throws IOException {
        Path path = dir.resolve("a.sock");
        try (ListenSocket socket = ListenSocket.unix(path, 8, 0600)) {
            assertThat(socket.address()).isEqualTo(new BackendAddress.UnixPath(path));
            assertThat(Files.getPosixFilePermissions(path)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(Posix.isCloseOnExec(socket.fd())).isTrue();
            assertThat(Posix.isNonBlocking(socket.fd())).isFalse();
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
                assertThat(client.isConnected()).isTrue();
            }
        }
        assertThat(path).doesNotExist();
    }

    /**
     * Netty's bind unlinks whatever is at the path, which silently orphaned a listening backend (native-spawning
     * §1). A live listener must make us refuse, and must keep working.
     */
    @Test
    void rejectsLiveSocketPathInsteadOfUnlinkingIt() throws IOException {
        Path path = dir.resolve("live.sock");
        try (ServerSocketChannel other = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            other.bind(UnixDomainSocketAddress.of(path));

            assertThatThrownBy(() -> ListenSocket.unix(path, 8, 0600))
                    .isInstanceOf(IOException.class)
                    .hasMessage("another process is listening on %s; refusing to take it over", path);
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
                assertThat(client.isConnected()).isTrue();
            }
        }
    }

    @Test
    void replacesStaleSocketFileNobodyListensOn() throws IOException {
        Path path = dir.resolve("stale.sock");
        try (ServerSocketChannel old = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            old.bind(UnixDomainSocketAddress.of(path));
        }
        assertThat(path).exists();

        try (ListenSocket socket = ListenSocket.unix(path, 8, 0600);
             SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            assertThat(client.isConnected()).isTrue();
            assertThat(socket.address()).isEqualTo(new BackendAddress.UnixPath(path));
        }
    }

    @Test
    void refusesToRemoveAFileThatIsNotASocket() throws IOException {
        Path path = Files.writeString(dir.resolve("data.sock"), "precious");

        assertThatThrownBy(() -> ListenSocket.unix(path, 8, 0600))
                .hasMessage("%s exists and is not a socket; refusing to remove it", path);
        assertThat(path).hasContent("precious");
    }

    @Test
    void rejectsPathsLongerThanSunPath() {
        Path path = dir.resolve("x".repeat(120));

        assertThatThrownBy(() -> ListenSocket.unix(path, 8, 0600))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the limit is 107");
    }

    @Test
    void tcpBindsAFreePortOnLoopbackAndAcceptsConnections() throws IOException {
        try (ListenSocket socket = ListenSocket.tcp("127.0.0.1", 0, 8)) {
            BackendAddress.Tcp address = (BackendAddress.Tcp) socket.address();
            assertThat(address.port()).isPositive();
            assertThat(Posix.isCloseOnExec(socket.fd())).isTrue();
            try (SocketChannel client = SocketChannel.open(new InetSocketAddress("127.0.0.1", address.port()))) {
                assertThat(client.isConnected()).isTrue();
            }
        }
    }

    @Test
    void closeIsIdempotentAndFdIsRefusedAfterwards() throws IOException {
        ListenSocket socket = ListenSocket.unix(dir.resolve("c.sock"), 8, 0600);
        socket.close();
        socket.close();

        assertThatThrownBy(socket::fd).isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
    }
    @Test
    void reportsHowManyConnectionsWaitInTheAcceptQueueOfAUnixSocket() throws IOException {
        Path path = dir.resolve("q.sock");
        try (ListenSocket socket = ListenSocket.unix(path, 8, 0600)) {
            assertThat(socket.queuedConnections()).hasValue(0);
            try (SocketChannel a = SocketChannel.open(UnixDomainSocketAddress.of(path));
                 SocketChannel b = SocketChannel.open(UnixDomainSocketAddress.of(path));
                 SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
                assertThat(socket.queuedConnections()).hasValue(3);
            }
        }
    }

    @Test
    void reportsHowManyConnectionsWaitInTheAcceptQueueOfATcpSocket() throws IOException {
        try (ListenSocket socket = ListenSocket.tcp("127.0.0.1", 0, 8)) {
            int port = ((BackendAddress.Tcp) socket.address()).port();
            assertThat(socket.queuedConnections()).hasValue(0);
            try (SocketChannel a = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
                 SocketChannel b = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
                assertThat(socket.queuedConnections()).hasValue(2);
            }
        }
    }

    /**
     * After the hand-over only the child's copy keeps the socket: with no child (or one that closed fd 0) nobody
     * does, so connects are refused at once instead of queueing, and the kernel no longer knows the socket. The file
     * stays until close.
     */
    @Test
    void handOverClosesOurCopySoThatWithoutAChildConnectsAreRefused() throws IOException {
        Path path = dir.resolve("h.sock");
        try (ListenSocket socket = ListenSocket.unix(path, 8, 0600)) {
            socket.handOver();
            socket.handOver();
            assertThat(path).exists();
            assertThatThrownBy(() -> SocketChannel.open(UnixDomainSocketAddress.of(path)))
                    .isInstanceOf(java.net.ConnectException.class);
            assertThat(socket.queuedConnections()).isEmpty();
            assertThatThrownBy(socket::fd).isInstanceOf(IllegalStateException.class);
        }
        assertThat(path).doesNotExist();
    }
}
