package io.sluice.spawner.posix;

import static io.sluice.spawner.posix.Posix.LIBC;
import static io.sluice.spawner.posix.Posix.check;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.OptionalInt;

/**
 * How many connections wait in a listening socket's accept queue, asked of the kernel by the socket's inode through
 * {@code NETLINK_SOCK_DIAG}, so no copy of the socket is needed: {@code unix_diag} with {@code UDIAG_SHOW_RQLEN}
 * (an exact lookup; {@code udiag_rqueue} of a listener is its accept queue) and an {@code inet_diag} dump of TCP
 * listeners ({@code idiag_rqueue} of a listener is its accept queue). Linux only; host byte order. Each call opens,
 * uses and closes its own netlink socket, non-blocking (the kernel answers during the send). Stateless, thread-safe.
 */
public final class SockDiag {
    private static final int AF_NETLINK = 16;
    private static final int AF_UNIX = 1;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 02000000;
    private static final int NETLINK_SOCK_DIAG = 4;
    private static final int IPPROTO_TCP = 6;
    private static final short SOCK_DIAG_BY_FAMILY = 20;
    private static final short NLMSG_ERROR = 2;
    private static final short NLMSG_DONE = 3;
    private static final short NLM_F_REQUEST = 1;
    private static final short NLM_F_DUMP = 0x300;
    private static final int TCP_LISTEN = 10;
    private static final int UDIAG_SHOW_RQLEN = 0x10;
    private static final int UNIX_DIAG_RQLEN = 4;
    private static final int NLMSG_HEADER = 16;
    private static final int ENOENT = 2;
    /** {@code INET_DIAG_NOCOOKIE}: match whatever socket has the inode. */
    private static final int NO_COOKIE = -1;

    private SockDiag() {
    }

    /**
     * The accept-queue length of the listening unix socket with inode {@code inode}; empty when no such socket
     * exists any more (its last holder closed it).
     *
     * @throws NativeCallException when the kernel cannot be asked (no netlink, no unix_diag)
     */
    public static OptionalInt unixAcceptQueue(long inode) throws NativeCallException {
        ByteBuffer request = header(NLMSG_HEADER + 24, NLM_F_REQUEST);
        request.put((byte) AF_UNIX).put((byte) 0).putShort((short) 0);
        request.putInt(1 << TCP_LISTEN).putInt((int) inode).putInt(UDIAG_SHOW_RQLEN);
        request.putInt(NO_COOKIE).putInt(NO_COOKIE);
        return ask(request, "unix_diag inode " + inode, (message, length) -> {
            // unix_diag_msg (16 bytes), then attributes.
            for (int at = NLMSG_HEADER + 16; at + 4 <= length; at += (Short.toUnsignedInt(message.getShort(at)) + 3)
                    & ~3) {
                int attributeLength = Short.toUnsignedInt(message.getShort(at));
                if (attributeLength < 4) {
                    break;
                }
                if (message.getShort(at + 2) == UNIX_DIAG_RQLEN && attributeLength >= 12) {
                    return OptionalInt.of(message.getInt(at + 4));
                }
            }
            return OptionalInt.empty();
        });
    }

    /**
     * The accept-queue length of the listening TCP socket with inode {@code inode} ({@code v6}: an IPv6 socket);
     * empty when no such listener exists any more.
     *
     * @throws NativeCallException when the kernel cannot be asked (no netlink, no inet_diag)
     */
    public static OptionalInt tcpAcceptQueue(long inode, boolean v6) throws NativeCallException {
        ByteBuffer request = header(NLMSG_HEADER + 56, (short) (NLM_F_REQUEST | NLM_F_DUMP));
        request.put((byte) (v6 ? AF_INET6 : AF_INET)).put((byte) IPPROTO_TCP).put((byte) 0).put((byte) 0);
        request.putInt(1 << TCP_LISTEN);
        // inet_diag_sockid: ports, addresses and interface unused by a dump; the cookie is "none".
        request.position(request.position() + 40).putInt(NO_COOKIE).putInt(NO_COOKIE);
        return ask(request, "inet_diag inode " + inode, (message, length) -> {
            // inet_diag_msg: family, state, timer, retrans, id (48), expires, rqueue, wqueue, uid, inode.
            int found = message.getInt(NLMSG_HEADER + 68) == (int) inode ? message.getInt(NLMSG_HEADER + 56) : -1;
            return found < 0 ? null : OptionalInt.of(found);
        });
    }

    /** What one answer message says: a result, or null to read on (a dump's other sockets). */
    @FunctionalInterface
    private interface Reader {
        OptionalInt read(ByteBuffer message, int length);
    }

    private static ByteBuffer header(int length, short flags) {
        ByteBuffer request = ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
        request.putInt(length).putShort(SOCK_DIAG_BY_FAMILY).putShort(flags).putInt(1).putInt(0);
        return request;
    }

    private static OptionalInt ask(ByteBuffer request, String what, Reader reader) throws NativeCallException {
        int fd = check(LIBC.socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG), "socket(NETLINK)");
        try {
            Posix.setNonBlocking(fd, true);
            byte[] bytes = request.array();
            if (LIBC.write(fd, bytes, bytes.length) != bytes.length) {
                throw new NativeCallException("send " + what, Posix.lastError());
            }
            byte[] buffer = new byte[32 * 1024];
            while (true) {
                int n = Posix.read(fd, buffer);
                if (n <= 0) {
                    // The kernel answers while the request is sent; nothing (more) means no answer.
                    throw new NativeCallException("receive " + what, 0);
                }
                OptionalInt result = readMessages(ByteBuffer.wrap(buffer, 0, n).order(ByteOrder.nativeOrder()), n,
                        what, reader);
                if (result != null) {
                    return result;
                }
            }
        } finally {
            Posix.close(fd);
        }
    }

    /** Walks the messages of one read: a result, or null when the answer goes on in the next read. */
    private static OptionalInt readMessages(ByteBuffer all, int n, String what, Reader reader)
            throws NativeCallException {
        int at = 0;
        while (at + NLMSG_HEADER <= n) {
            int length = all.getInt(at);
            short type = all.getShort(at + 4);
            if (length < NLMSG_HEADER || at + length > n) {
                throw new NativeCallException("receive " + what + ": malformed answer", 0);
            }
            ByteBuffer message = all.slice(at, length).order(ByteOrder.nativeOrder());
            if (type == NLMSG_DONE) {
                return OptionalInt.empty();
            }
            if (type == NLMSG_ERROR) {
                int errno = -message.getInt(NLMSG_HEADER);
                if (errno == ENOENT) {
                    return OptionalInt.empty();
                }
                throw new NativeCallException(what, errno);
            }
            if (type == SOCK_DIAG_BY_FAMILY) {
                OptionalInt result = reader.read(message, length);
                if (result != null) {
                    return result;
                }
            }
            at += (length + 3) & ~3;
        }
        return null;
    }
}
