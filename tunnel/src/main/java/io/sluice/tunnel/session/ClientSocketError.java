package io.sluice.tunnel.session;

import io.netty.channel.Channel;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import java.io.IOException;

/**
 * A client socket's pending error (SO_ERROR), read without reading the socket: how a session whose reads are paused
 * learns of a reset. Only on the native transports (epoll, io_uring), where the channel's descriptor is at hand;
 * elsewhere there is no check (NIO reports the reset at the next read or write). Stateless.
 */
final class ClientSocketError {
    private static final int ECONNRESET = 104;

    private ClientSocketError() {
    }

    static boolean canCheck(Channel channel) {
        return channel instanceof UnixChannel unix && unix.fd() instanceof Socket;
    }

    /** The pending error's description (errno 104 for a reset), null when there is none. Event loop. */
    static String pending(Channel channel) {
        if (!(channel instanceof UnixChannel unix) || !(unix.fd() instanceof Socket socket)) {
            return null;
        }
        if (!socket.isOpen()) {
            return null;
        }
        try {
            int error = socket.getSoError();
            return error == 0 ? null : "SO_ERROR errno " + error + (error == ECONNRESET ? " (connection reset)" : "");
        } catch (IOException e) {
            return e.getMessage();
        }
    }
}
