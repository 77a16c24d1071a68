package io.sluice.spawner.posix;

import static io.sluice.spawner.posix.Posix.LIBC;
import static io.sluice.spawner.posix.Posix.check;

import java.lang.ref.Reference;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.byref.IntByReference;

/**
 * Listening sockets made with raw libc calls: blocking, close-on-exec from birth (SOCK_CLOEXEC), fd returned as an
 * int for dup2. Does no path checks of its own; {@code process.ListenSocket} decides what may be unlinked.
 * Stateless and thread-safe.
 */
public final class Sockets {
    private static final int AF_UNIX = 1;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_CLOEXEC = 02000000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_REUSEADDR = 2;
    private static final int SUN_PATH_MAX = 108;

    private Sockets() {
    }

    /** socket, bind to {@code path}, chmod to {@code mode} (before listen, so nobody connects meanwhile), listen. */
    public static int listenUnix(Path path, int backlog, int mode) throws NativeCallException {
        byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
        if (name.length >= SUN_PATH_MAX) {
            throw new IllegalArgumentException("unix socket path is %d bytes, the limit is %d: %s"
                    .formatted(name.length, SUN_PATH_MAX - 1, path));
        }
        Pointer address = Memory.allocateDirect(Posix.runtime(), 2 + SUN_PATH_MAX, true);
        address.putShort(0, (short) AF_UNIX);
        address.put(2, name, 0, name.length);
        int fd = check(LIBC.socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket(AF_UNIX)");
        try {
            check(LIBC.bind(fd, address, 2 + name.length + 1), "bind " + path);
            Reference.reachabilityFence(address); // freed when collected: alive until bind has read it
            try {
                Posix.chmod(path, mode);
                check(LIBC.listen(fd, backlog), "listen " + path);
            } catch (NativeCallException e) {
                path.toFile().delete();
                throw e;
            }
            return fd;
        } catch (NativeCallException e) {
            Posix.close(fd);
            throw e;
        }
    }

    /** socket with SO_REUSEADDR, bind to {@code host:port} (port 0: any free port), listen. */
    public static int listenTcp(InetAddress host, int port, int backlog) throws NativeCallException {
        boolean v6 = host instanceof Inet6Address;
        Pointer address = Memory.allocateDirect(Posix.runtime(), 28, true);
        address.putShort(0, (short) (v6 ? AF_INET6 : AF_INET));
        address.putShort(2, Short.reverseBytes((short) port));
        byte[] raw = host.getAddress();
        if (v6) {
            address.put(8, raw, 0, 16);
            address.putInt(24, ((Inet6Address) host).getScopeId());
        } else if (host instanceof Inet4Address) {
            address.put(4, raw, 0, 4);
        }
        String where = host.getHostAddress() + ":" + port;
        int fd = check(LIBC.socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket " + where);
        try {
            check(LIBC.setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, new IntByReference(1), 4), "setsockopt SO_REUSEADDR");
            check(LIBC.bind(fd, address, v6 ? 28 : 16), "bind " + where);
            Reference.reachabilityFence(address); // freed when collected: alive until bind has read it
            check(LIBC.listen(fd, backlog), "listen " + where);
            return fd;
        } catch (NativeCallException e) {
            Posix.close(fd);
            throw e;
        }
    }

    /** The local port of a bound AF_INET or AF_INET6 socket. */
    public static int localPort(int fd) throws NativeCallException {
        Pointer address = Memory.allocateDirect(Posix.runtime(), 128, true);
        IntByReference length = new IntByReference(128);
        check(LIBC.getsockname(fd, address, length), "getsockname");
        return Short.toUnsignedInt(Short.reverseBytes(address.getShort(2)));
    }
}
