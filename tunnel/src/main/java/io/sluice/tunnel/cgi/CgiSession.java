package io.sluice.tunnel.cgi;

import java.util.Objects;

/**
 * The session's side of the CGI variables. Immutable.
 *
 * @param route           SLUICE_ROUTE: the route's key as configured
 * @param sessionId       SLUICE_SESSION_ID: unique per session
 * @param passCredentials the route's {@code pass-credentials}: whether Cookie and Authorization reach the program
 * @param serverSoftware  SERVER_SOFTWARE, e.g. {@code sluice/0.1.0}
 */
public record CgiSession(String route, String sessionId, boolean passCredentials, String serverSoftware) {

    public CgiSession {
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(serverSoftware, "serverSoftware");
    }
}
