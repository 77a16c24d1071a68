package io.sluice.tunnel.cgi;

import io.sluice.tunnel.tls.ClientTls;
import java.util.Objects;

/**
 * The session's side of the CGI variables. Immutable.
 *
 * @param route           SLUICE_ROUTE: the route's key as configured
 * @param sessionId       SLUICE_SESSION_ID: unique per session
 * @param passCredentials the route's {@code pass-credentials}: whether Cookie and Authorization reach the program
 * @param serverSoftware  SERVER_SOFTWARE, e.g. {@code sluice/0.1.0}
 * @param tls             the client's TLS facts (HTTPS and SSL_*), or null when it came without TLS
 */
public record CgiSession(String route, String sessionId, boolean passCredentials, String serverSoftware,
                         ClientTls tls) {

    public CgiSession {
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(serverSoftware, "serverSoftware");
    }

    /** A session of a client that came without TLS. */
    public CgiSession(String route, String sessionId, boolean passCredentials, String serverSoftware) {
        this(route, sessionId, passCredentials, serverSoftware, null);
    }
}
