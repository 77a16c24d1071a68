package io.sluice.spawner.process;

import io.sluice.spawner.posix.Posix;
import io.sluice.spawner.posix.Sockets;
import io.sluice.spawner.spec.BackendAddress;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bound, listening socket that becomes a child's fd 0: blocking (the child's accept must block) and close-on-exec
 * (spawn's dup2 clears it on the child's copy only). A unix socket never takes over a live path and unlinks only a
 * stale socket file. {@link #close()} is the one teardown: it closes our fd and unlinks the unix path. Thread-safe.
 */
public final class ListenSocket implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ListenSocket.class);
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private final int fd;
    private final BackendAddress address;
    private final Path unixPath;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ListenSocket(int fd, BackendAddress address, Path unixPath) {
        this.fd = fd;
        this.address = address;
        this.unixPath = unixPath;
    }

    /**
     * Listens on unix socket {@code path} with {@code backlog}, file mode {@code mode}. Refuses a path where another
     * process is listening and a path that holds something other than a socket; removes a stale socket file.
     */
    public static ListenSocket unix(Path path, int backlog, int mode) throws IOException {
        Objects.requireNonNull(path, "path");
        Path absolute = path.toAbsolutePath();
        clearStalePath(absolute);
        int fd = Sockets.listenUnix(absolute, backlog, mode);
        return new ListenSocket(fd, new BackendAddress.UnixPath(absolute), absolute);
    }

    /** Listens on {@code host:port} (port 0 picks a free one, see {@link #address()}) with SO_REUSEADDR. */
    public static ListenSocket tcp(String host, int port, int backlog) throws IOException {
        Objects.requireNonNull(host, "host");
        InetAddress inet = InetAddress.getByName(host);
        int fd = Sockets.listenTcp(inet, port, backlog);
        try {
            return new ListenSocket(fd, new BackendAddress.Tcp(host, Sockets.localPort(fd)), null);
        } catch (IOException | RuntimeException e) {
            Posix.close(fd);
            throw e;
        }
    }

    private static void clearStalePath(Path path) throws IOException {
        int mode;
        try {
            mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        if ((mode & S_IFMT) != S_IFSOCK) {
            throw new IOException("%s exists and is not a socket; refusing to remove it".formatted(path));
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            // Non-blocking: a live listener with a full backlog must not stall us.
            probe.configureBlocking(false);
            probe.connect(UnixDomainSocketAddress.of(path));
        } catch (ConnectException refused) {
            Files.deleteIfExists(path);
            LOG.info("removed stale socket file {} (nobody was listening)", path);
            return;
        } catch (IOException e) {
            throw new IOException("cannot tell whether another process is listening on %s (%s); refusing to take it over"
                    .formatted(path, e.getMessage()), e);
        }
        throw new IOException("another process is listening on %s; refusing to take it over".formatted(path));
    }

    /** The raw fd, for dup2 onto the child's fd 0. Valid until {@link #close()}. */
    public int fd() {
        if (closed.get()) {
            throw new IllegalStateException("listen socket %s is closed".formatted(address.describe()));
        }
        return fd;
    }

    /** Where it listens; for TCP with port 0, the port actually bound. */
    public BackendAddress address() {
        return address;
    }

    /** Closes our fd and, for a unix socket, removes the socket file. Children keep their own copies. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Posix.close(fd);
        if (unixPath != null) {
            try {
                Files.deleteIfExists(unixPath);
            } catch (IOException e) {
                LOG.warn("cannot remove socket file {}: {}", unixPath, e.toString());
            }
        }
    }

    @Override
    public String toString() {
        return "ListenSocket[" + address.describe() + ", fd " + fd + "]";
    }
}
