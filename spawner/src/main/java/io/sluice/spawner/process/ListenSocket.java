package io.sluice.spawner.process;

import io.sluice.spawner.posix.Posix;
import io.sluice.spawner.posix.SockDiag;
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
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bound, listening socket that becomes a child's fd 0: blocking (the child's accept must block) and close-on-exec
 * (spawn's dup2 clears it on the child's copy only). A unix socket never takes over a live path and unlinks only a
 * stale socket file. Once the child holds it, {@link #handOver()} closes our copy, so the socket lives exactly as long
 * as the child's: a worker that closes fd 0 or dies makes connects fail at once instead of queueing them in a backlog
 * nobody serves. The accept queue stays observable through the kernel ({@link #queuedConnections()}, by inode).
 * {@link #close()} is the one teardown: it closes our fd if still held and unlinks the unix path. Thread-safe.
 */
public final class ListenSocket implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ListenSocket.class);
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private final int fd;
    private final BackendAddress address;
    private final Path unixPath;
    /** The socket's inode (sockfs), by which the kernel reports its accept queue once we hold no copy. */
    private final long inode;
    private final AtomicBoolean fdClosed = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    private ListenSocket(int fd, BackendAddress address, Path unixPath) throws IOException {
        this.fd = fd;
        this.address = address;
        this.unixPath = unixPath;
        this.inode = inodeOf(fd);
    }

    /** A socket fd's inode, from the "socket:[N]" link that /proc shows for it. */
    private static long inodeOf(int fd) throws IOException {
        String link = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        if (!link.startsWith("socket:[") || !link.endsWith("]")) {
            throw new IOException("fd %d is not a socket: %s".formatted(fd, link));
        }
        return Long.parseLong(link.substring("socket:[".length(), link.length() - 1));
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
        try {
            return new ListenSocket(fd, new BackendAddress.UnixPath(absolute), absolute);
        } catch (IOException | RuntimeException e) {
            Posix.close(fd);
            Files.deleteIfExists(absolute);
            throw e;
        }
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

    /**
     * Removes the stale socket files next to {@code base} whose names are {@code base}'s name plus a suffix matching
     * {@code suffix} ({@code -3}, {@code -<key hash>}): what a SIGKILLed Sluice left of workers that no start will
     * bind again (a per-key worker of a key never seen again, a slot above a lowered {@code max-procs}). A socket
     * someone listens on, and anything that is not a socket, is left alone. Returns how many were removed; call only
     * after the leftovers of that Sluice were killed.
     */
    public static int removeStaleSiblings(Path base, String suffix) {
        Path folder = base.toAbsolutePath().getParent();
        java.util.regex.Pattern name = java.util.regex.Pattern.compile(
                java.util.regex.Pattern.quote(base.getFileName().toString()) + suffix);
        int removed = 0;
        try (java.util.stream.Stream<Path> files = Files.list(folder)) {
            for (Path sibling : files.filter(p -> name.matcher(p.getFileName().toString()).matches()).toList()) {
                try {
                    clearStalePath(sibling);
                    removed += Files.exists(sibling, LinkOption.NOFOLLOW_LINKS) ? 0 : 1;
                } catch (IOException e) {
                    LOG.debug("left {} alone: {}", sibling, e.getMessage());
                }
            }
        } catch (IOException e) {
            LOG.debug("cannot list {} for stale sockets: {}", folder, e.getMessage());
        }
        return removed;
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

    /** The raw fd, for dup2 onto the child's fd 0. Valid until {@link #handOver()} or {@link #close()}. */
    public int fd() {
        if (fdClosed.get()) {
            throw new IllegalStateException("listen socket %s is closed or handed over".formatted(address.describe()));
        }
        return fd;
    }

    /**
     * The child holds the socket now (its fd 0): closes our copy and keeps only what removing the socket file needs.
     * Idempotent.
     */
    public void handOver() {
        if (fdClosed.compareAndSet(false, true)) {
            Posix.close(fd);
        }
    }

    /**
     * How many connections wait in the accept queue, as the kernel reports it for this socket's inode (netlink
     * sock_diag); empty once nobody holds the socket any more.
     *
     * @throws IOException when the kernel cannot report it (no sock_diag in this kernel or sandbox)
     */
    public OptionalInt queuedConnections() throws IOException {
        if (address instanceof BackendAddress.Tcp tcp) {
            return SockDiag.tcpAcceptQueue(inode, tcp.host().indexOf(':') >= 0);
        }
        return SockDiag.unixAcceptQueue(inode);
    }

    /** Where it listens; for TCP with port 0, the port actually bound. */
    public BackendAddress address() {
        return address;
    }

    /**
     * Closes our fd (unless handed over) and, for a unix socket, removes the socket file. Children keep their own
     * copies. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        handOver();
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
