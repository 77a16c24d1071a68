package io.sluice.tunnel.cgi;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Request headers as {@code HTTP_*} variables (RFC 3875 4.1.18): {@code X-Forwarded-For} becomes
 * {@code HTTP_X_FORWARDED_FOR}. A name is never mangled into a collision: only names of letters, digits and '-' map;
 * a name with '_' (which would collide with its '-' twin, {@code X_Foo} with {@code X-Foo}) or any other character is
 * skipped, as nginx and Apache do. Names differing only in case are one header (HTTP), so their values join. Stateless.
 */
final class HeaderVariables {
    /** Credentials reach the program only when the route says {@code pass-credentials: true}. */
    private static final Set<String> CREDENTIALS = Set.of("HTTP_COOKIE", "HTTP_AUTHORIZATION",
            "HTTP_PROXY_AUTHORIZATION");
    /** httpoxy (CVE-2016-5385): HTTP_PROXY would pose as the proxy setting many libraries read. Never passed. */
    private static final String HTTPOXY = "HTTP_PROXY";

    private HeaderVariables() {
    }

    /**
     * One {@code (name, value)} per distinct header, in first-seen order; repeated headers joined with ", "
     * ({@code Cookie} with "; ", RFC 6265 5.4). Values are the wire strings (one char per byte).
     */
    static List<Map.Entry<String, String>> of(HttpHeaders headers, boolean passCredentials) {
        Map<String, List<String>> byName = new LinkedHashMap<>();
        for (Map.Entry<String, String> header : headers) {
            String name = variableName(header.getKey());
            if (name == null || name.equals(HTTPOXY) || !passCredentials && CREDENTIALS.contains(name)) {
                continue;
            }
            byName.computeIfAbsent(name, n -> new ArrayList<>()).add(header.getValue());
        }
        List<Map.Entry<String, String>> variables = new ArrayList<>(byName.size());
        byName.forEach((name, values) -> variables.add(Map.entry(name,
                String.join(name.equals("HTTP_COOKIE") ? "; " : ", ", values))));
        return variables;
    }

    /** {@code HTTP_} plus the name upper-cased with '-' as '_'; null when the name has anything but [A-Za-z0-9-]. */
    static String variableName(String header) {
        if (header.isEmpty()) {
            return null;
        }
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-';
            if (!ok) {
                return null;
            }
        }
        return "HTTP_" + header.toUpperCase(Locale.ROOT).replace('-', '_');
    }
}
