package io.sluice.tunnel.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A blocking echo server on TCP or a unix socket for tunnel tests: one thread per connection, echoes every byte,
 * counts what it received and whether it saw EOF; {@link #resetAll()} aborts TCP connections with RST.
 */
final class EchoBackend implements AutoCloseable {
    private final ServerSocketChannel server;
    private final Path socketPath;
    private final List<SocketChannel> connections = new CopyOnWriteArrayList<>();
    final AtomicLong received = new AtomicLong();
    final AtomicBoolean sawEof = new AtomicBoolean();
    private final Thread acceptor;

    private EchoBackend(ServerSocketChannel server, Path socketPath) {
        this.server = server;
        this.socketPath = socketPath;
        this.acceptor = new Thread(this::acceptLoop, "echo-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static EchoBackend tcp() throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return new EchoBackend(server, null);
    }

    static EchoBackend unix(Path path) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        return new EchoBackend(server, path);
    }

    int port() throws IOException {
        return ((InetSocketAddress) server.getLocalAddress()).getPort();
    }

    private void acceptLoop() {
        try {
            while (server.isOpen()) {
                SocketChannel ch = server.accept();
                connections.add(ch);
                Thread t = new Thread(() -> echo(ch), "echo-conn");
                t.setDaemon(true);
                t.start();
            }
        } catch (IOException e) {
            // closed
        }
    }

    private void echo(SocketChannel ch) {
        ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
        try (ch) {
            while (true) {
                buf.clear();
                int n = ch.read(buf);
                if (n < 0) {
                    sawEof.set(true);
                    return;
                }
                received.addAndGet(n);
                buf.flip();
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            }
        } catch (IOException e) {
            // reset or closed by the test
        }
    }

    /** Aborts every TCP connection with RST (SO_LINGER 0), as a crashing backend on a remote host would. */
    void resetAll() throws IOException {
        for (SocketChannel ch : connections) {
            ch.socket().setSoLinger(true, 0);
            ch.close();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (SocketChannel ch : connections) {
            ch.close();
        }
        if (socketPath != null) {
            Files.deleteIfExists(socketPath);
        }
    }
}
