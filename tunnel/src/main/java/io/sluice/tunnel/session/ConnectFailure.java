package io.sluice.tunnel.session;

import io.netty.channel.ChannelException;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.unix.Errors;
import java.io.FileNotFoundException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whose fault a failed backend connect is. Only the backend's own refusals count against its worker (disable, and a
 * restart after repeated refusals): it refused (ECONNREFUSED), did not answer within {@code connect-timeout}
 * (ETIMEDOUT), reset the connection (ECONNRESET, ECONNABORTED), has no socket file (ENOENT), has a full accept queue
 * (EAGAIN on a unix socket), or cannot be reached (EHOSTUNREACH, ENETUNREACH). Anything else, above all Sluice's own
 * resource limits (EMFILE, ENFILE, ENOBUFS, ENOMEM, EADDRNOTAVAIL, or a socket that could not even be created), is
 * not the worker's fault: blaming it would restart a healthy worker and cut all its sessions. Stateless.
 *
 * <p>Netty's native transport reports a connect errno only in the message ("connect(..) failed with error(-111):
 * …"), and the NIO transport only as the C library's text; both are read. Linux errno numbers.
 */
final class ConnectFailure {

    private static final Set<Integer> BACKEND_ERRNOS = Set.of(
            2,   // ENOENT: the unix socket file is gone
            11,  // EAGAIN: a unix socket's accept queue is full
            101, // ENETUNREACH
            103, // ECONNABORTED
            104, // ECONNRESET
            110, // ETIMEDOUT
            111, // ECONNREFUSED
            113  // EHOSTUNREACH
    );
    /** The C library's text for the backend errnos, for transports that give no number (NIO). */
    private static final Map<String, Integer> BACKEND_TEXTS = Map.of(
            "Connection refused", 111,
            "Connection reset by peer", 104,
            "Connection timed out", 110,
            "No such file or directory", 2,
            "Resource temporarily unavailable", 11,
            "No route to host", 113,
            "Network is unreachable", 101);
    private static final Pattern NETTY_ERRNO = Pattern.compile("failed with error\\((-?\\d+)\\)");

    private ConnectFailure() {
    }

    /** True when the backend refused or did not answer; false when the failure is Sluice's own or unknown. */
    static boolean blamesBackend(Throwable cause) {
        if (cause instanceof ChannelException) {
            return false; // the socket could not even be created: socket() failed with EMFILE, ENFILE, ENOBUFS …
        }
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectTimeoutException || t instanceof SocketTimeoutException
                    || t instanceof FileNotFoundException || t instanceof NoRouteToHostException) {
                return true;
            }
            OptionalInt errno = errno(t);
            if (errno.isPresent()) {
                return BACKEND_ERRNOS.contains(errno.getAsInt());
            }
        }
        return false;
    }

    /** The C library's words for a failure ("Too many open files"), without Netty's call names or addresses. */
    static String inWords(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        if (message == null) {
            return root.getClass().getSimpleName();
        }
        int colon = message.lastIndexOf(": ");
        return colon >= 0 ? message.substring(colon + 2) : message;
    }

    private static OptionalInt errno(Throwable t) {
        if (t instanceof Errors.NativeIoException nativeFailure) {
            return OptionalInt.of(Math.abs(nativeFailure.expectedErr()));
        }
        String message = t.getMessage();
        if (message == null) {
            return OptionalInt.empty();
        }
        Matcher m = NETTY_ERRNO.matcher(message);
        if (m.find()) {
            return OptionalInt.of(Math.abs(Integer.parseInt(m.group(1))));
        }
        for (Map.Entry<String, Integer> text : BACKEND_TEXTS.entrySet()) {
            if (message.contains(text.getKey())) {
                return OptionalInt.of(text.getValue());
            }
        }
        return OptionalInt.empty();
    }
}
