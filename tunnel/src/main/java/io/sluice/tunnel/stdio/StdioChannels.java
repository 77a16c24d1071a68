package io.sluice.tunnel.stdio;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;

/** Wraps the fd a per-connection program's stdin/stdout ends in on the tunnel's side. Stateless. */
public final class StdioChannels {

    private StdioChannels() {
    }

    /**
     * An unregistered channel owning {@code fd} (non-blocking): a {@link PtyChannel} for a pseudo-terminal master,
     * else an {@link EpollDomainSocketChannel}. Like a socket backend's channel it closes when the program's output
     * ends (half-closure off, so the session sees its end), and {@code shutdownOutput()} gives the program end of file
     * on stdin while its last output is still read. Register it on the session's event loop (epoll only: NIO cannot
     * adopt an fd). Whatever happens, {@code fd} is the channel's or closed: never leaked.
     */
    public static Channel wrap(int fd, boolean terminal) {
        try {
            return terminal ? new PtyChannel(fd) : new EpollDomainSocketChannel(fd);
        } catch (RuntimeException | Error e) {
            try {
                new FileDescriptor(fd).close();
            } catch (IOException closeFailed) {
                e.addSuppressed(closeFailed);
            }
            throw e;
        }
    }
}
