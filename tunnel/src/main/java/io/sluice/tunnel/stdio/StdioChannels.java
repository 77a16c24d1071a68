package io.sluice.tunnel.stdio;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDomainSocketChannel;

/** Wraps the fd a per-connection program's stdin/stdout ends in on the tunnel's side. Stateless. */
public final class StdioChannels {

    private StdioChannels() {
    }

    /**
     * An unregistered channel owning {@code fd} (non-blocking): a {@link PtyChannel} for a pseudo-terminal master,
     * else an {@link EpollDomainSocketChannel} with half-closure allowed, so {@code shutdownOutput()} gives the
     * program end of file on stdin while its last output is still read. Register it on the session's event loop
     * (epoll only: NIO cannot adopt an fd).
     */
    public static Channel wrap(int fd, boolean terminal) {
        if (terminal) {
            return new PtyChannel(fd);
        }
        EpollDomainSocketChannel channel = new EpollDomainSocketChannel(fd);
        channel.config().setAllowHalfClosure(true);
        return channel;
    }
}
