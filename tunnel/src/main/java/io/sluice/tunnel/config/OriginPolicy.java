package io.sluice.tunnel.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parsed {@code origins} list and the check of an {@code Origin} header against it. Immutable and thread-safe.
 *
 * <p>Entries: {@code *} allows every origin; {@code scheme://host[:port]} allows exactly that origin (scheme and host
 * case-insensitive, the port defaulting to the scheme's); a bare {@code example.com} allows that host and its
 * subdomains on any port under the web schemes {@code http}, {@code https}, {@code ws} and {@code wss} (other schemes,
 * such as a browser extension's, only through an entry that names them). Unlike lighttpd's byte-suffix compare, origins
 * are parsed, so {@code https://EXAMPLE.com} and {@code https://example.com:443} match {@code https://example.com}.
 */
public final class OriginPolicy {
    /** What an entry may look like, for error messages. */
    public static final String ALLOWED =
            "*, an origin like https://app.example.com[:port], or a bare host like example.com (with subdomains)";

    private static final String HOST = "(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?"
            + "(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*)";
    private static final Pattern ORIGIN =
            Pattern.compile("(?<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?<host>" + HOST + ")(:(?<port>\\d{1,5}))?");
    private static final Pattern BARE_HOST = Pattern.compile(HOST);
    /** The schemes a bare-host entry admits. */
    private static final Set<String> WEB_SCHEMES = Set.of("http", "https", "ws", "wss");

    private final List<String> entries;
    private final boolean allowsAll;
    private final List<Origin> exact;
    private final List<String> domains;

    private OriginPolicy(List<String> entries, boolean allowsAll, List<Origin> exact, List<String> domains) {
        this.entries = List.copyOf(entries);
        this.allowsAll = allowsAll;
        this.exact = List.copyOf(exact);
        this.domains = List.copyOf(domains);
    }

    /** No origin check at all (option unset or empty). */
    public static OriginPolicy any() {
        return new OriginPolicy(List.of(), false, List.of(), List.of());
    }

    /**
     * Parses the entries of an {@code origins} list; every bad entry is reported as an
     * {@link io.sluice.spawner.spec.InvalidOptionException} for {@code origins[i]} (the first thrown, the rest
     * suppressed).
     */
    public static OriginPolicy of(List<String> entries) {
        Violations v = new Violations();
        boolean all = false;
        List<Origin> exact = new ArrayList<>();
        List<String> domains = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String entry = Objects.requireNonNull(entries.get(i), "origins entry");
            String option = "origins[" + i + "]";
            if (entry.equals("*")) {
                all = true;
            } else if (entry.isBlank()) {
                v.add(option, "an empty entry matches nothing", ALLOWED);
            } else if (entry.contains("://")) {
                Origin origin = Origin.parse(entry);
                if (origin == null) {
                    v.add(option, "'%s' is not an origin%s".formatted(entry, pathHint(entry)), ALLOWED);
                } else {
                    exact.add(origin);
                }
            } else if (entry.startsWith("*.")) {
                v.add(option, "'%s': write '%s', which already allows its subdomains"
                        .formatted(entry, entry.substring(2)), ALLOWED);
            } else if (BARE_HOST.matcher(entry).matches()) {
                domains.add(entry.toLowerCase(Locale.ROOT));
            } else {
                v.add(option, "'%s' is neither an origin nor a host name".formatted(entry), ALLOWED);
            }
        }
        v.throwIfAny();
        return new OriginPolicy(entries, all, exact, domains);
    }

    private static String pathHint(String entry) {
        int slash = entry.indexOf('/', entry.indexOf("://") + 3);
        return slash < 0 ? "" : " (an origin has no path; write '%s')".formatted(entry.substring(0, slash));
    }

    /** Whether an {@code Origin} header is needed at all: false when the list is empty or contains {@code *}. */
    public boolean checks() {
        return !entries.isEmpty() && !allowsAll;
    }

    /**
     * Whether an {@code Origin} header value is allowed. A missing ({@code null}) header, {@code null} (the opaque
     * origin) and anything that is not {@code scheme://host[:port]} are refused unless the list is empty or has
     * {@code *}.
     */
    public boolean allows(String originHeader) {
        if (!checks()) {
            return true;
        }
        Origin origin = originHeader == null ? null : Origin.parse(originHeader.strip());
        if (origin == null) {
            return false;
        }
        if (exact.contains(origin)) {
            return true;
        }
        if (!WEB_SCHEMES.contains(origin.scheme)) {
            return false; // file:, javascript:, extensions: only an entry that names the scheme admits them
        }
        for (String domain : domains) {
            if (origin.host.equals(domain) || origin.host.endsWith("." + domain)) {
                return true;
            }
        }
        return false;
    }

    /** The entries as written in the config. */
    public List<String> entries() {
        return entries;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OriginPolicy other && entries.equals(other.entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return "OriginPolicy" + entries;
    }

    /** A parsed serialized origin: lower-case scheme and host, and the effective port (-1 when unknown). */
    private record Origin(String scheme, String host, int port) {
        static Origin parse(String text) {
            Matcher m = ORIGIN.matcher(text);
            if (!m.matches()) {
                return null;
            }
            String scheme = m.group("scheme").toLowerCase(Locale.ROOT);
            String host = m.group("host").toLowerCase(Locale.ROOT);
            int port = m.group("port") == null ? defaultPort(scheme) : Integer.parseInt(m.group("port"));
            if (port > 65535) {
                return null;
            }
            return new Origin(scheme, host, port);
        }

        private static int defaultPort(String scheme) {
            return switch (scheme) {
                case "http", "ws" -> 80;
                case "https", "wss" -> 443;
                default -> -1;
            };
        }
    }
}
