package io.sluice.tunnel.config;

import io.sluice.spawner.spec.BackendAddress;
import io.sluice.tunnel.config.Problems.Spot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The addresses the hosts of one config occupy, so that no spawned host shares one with another host (existing
 * servers may be shared by several routes, as in lighttpd): a unix socket path and, for a spawned
 * host, its workers' {@code path-i}; a TCP port, or for a spawned host the range {@code port..port+max-procs-1}. Also
 * names the sockets of spawned hosts that set no address. Confined to the loading thread; one instance per load.
 */
final class AddressClaims {
    /** Longest part of a generated socket name taken from the route key. */
    private static final int MAX_KEY_CHARS = 32;

    private final List<Claim> claims = new ArrayList<>();

    /**
     * One host's addresses: {@code workers} is max-procs for a spawned host, 0 for an existing server (which uses the
     * address itself).
     */
    private record Claim(BackendAddress address, int workers, Spot spot) {
        String where() {
            return "%s (line %d)".formatted(spot.path(), spot.node().getStartMark().getLine() + 1);
        }
    }

    /**
     * The socket of a spawned host without {@code socket} or {@code host}/{@code port}:
     * {@code <runtime-dir>/<key>-<host index>.sock}, the key reduced to {@code [A-Za-z0-9._-]}; {@code .2},
     * {@code .3}… is added before {@code .sock} while an earlier host already uses the name.
     */
    BackendAddress.UnixPath generatedSocket(Path runtimeDir, String routeKey, int hostIndex, int workers) {
        String base = sanitize(routeKey) + "-" + hostIndex;
        for (int n = 1; ; n++) {
            String name = n == 1 ? base + ".sock" : base + "." + n + ".sock";
            BackendAddress.UnixPath address = new BackendAddress.UnixPath(runtimeDir.resolve(name));
            if (conflict(new Claim(address, workers, null)) == null) {
                return address;
            }
        }
    }

    /** Records the host's addresses; returns the problem when one is already taken (naming the other place). */
    String claim(BackendAddress address, int workers, Spot spot) {
        Claim claim = new Claim(address, workers, spot);
        String problem = conflict(claim);
        if (problem == null) {
            claims.add(claim);
        }
        return problem;
    }

    private String conflict(Claim mine) {
        for (Claim other : claims) {
            String problem = mine.address() instanceof BackendAddress.UnixPath path
                    ? unixConflict(path.path().toString(), mine.workers(), other)
                    : tcpConflict((BackendAddress.Tcp) mine.address(), mine.workers(), other);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private static String unixConflict(String path, int workers, Claim other) {
        if (!(other.address() instanceof BackendAddress.UnixPath otherUnix)) {
            return null;
        }
        if (workers == 0 && other.workers() == 0) {
            return null; // two routes may well share one existing server
        }
        String otherPath = otherUnix.path().toString();
        if (path.equals(otherPath)) {
            return "%s is already the socket of %s".formatted(path, other.where());
        }
        int theirs = workerId(path, otherPath, other.workers());
        if (theirs >= 0) {
            return "%s is already the socket of worker %d of %s".formatted(path, theirs, other.where());
        }
        int mine = workerId(otherPath, path, workers);
        if (mine >= 0) {
            return "worker %d would listen on %s, already the socket of %s".formatted(mine, otherPath, other.where());
        }
        return null;
    }

    /** The worker whose socket {@code path} is, among {@code base-0 .. base-(workers-1)}; -1 if none. */
    private static int workerId(String path, String base, int workers) {
        String prefix = base + "-";
        if (workers == 0 || !path.startsWith(prefix)) {
            return -1;
        }
        String suffix = path.substring(prefix.length());
        if (!suffix.matches("0|[1-9]\\d{0,8}")) {
            return -1;
        }
        int id = Integer.parseInt(suffix);
        return id < workers ? id : -1;
    }

    private static String tcpConflict(BackendAddress.Tcp mine, int workers, Claim other) {
        if (!(other.address() instanceof BackendAddress.Tcp theirs)
                || !hostKey(mine.host()).equals(hostKey(theirs.host()))) {
            return null;
        }
        if (workers == 0 && other.workers() == 0) {
            return null; // two routes may well share one existing server
        }
        int myLast = mine.port() + Math.max(workers, 1) - 1;
        int theirLast = theirs.port() + Math.max(other.workers(), 1) - 1;
        if (mine.port() > theirLast || theirs.port() > myLast) {
            return null;
        }
        return "%s overlaps %s of %s".formatted(ports(mine, workers), ports(theirs, other.workers()), other.where());
    }

    private static String ports(BackendAddress.Tcp address, int workers) {
        if (workers <= 1) {
            return address.describe() + (workers == 1 ? " (1 worker)" : "");
        }
        return "%s-%d (%d workers)".formatted(address.describe(), address.port() + workers - 1, workers);
    }

    private static String hostKey(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        return lower.equals("localhost") ? "127.0.0.1" : lower;
    }

    /** A route key as a file name part: runs of other characters become {@code _}; never empty, never hidden. */
    static String sanitize(String routeKey) {
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < routeKey.length() && name.length() < MAX_KEY_CHARS; i++) {
            char c = routeKey.charAt(i);
            boolean keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (keep) {
                name.append(c);
            } else if (name.length() == 0 || name.charAt(name.length() - 1) != '_') {
                name.append('_');
            }
        }
        String trimmed = name.toString().replaceAll("^[._-]+|[._-]+$", "");
        return trimmed.isEmpty() ? "root" : trimmed;
    }
}
