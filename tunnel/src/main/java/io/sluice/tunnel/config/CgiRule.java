package io.sluice.tunnel.config;

/**
 * What the tunnel puts into the CGI-style environment of a route's per-connection programs beyond the request's
 * facts: whether {@code Cookie}, {@code Authorization} and {@code Proxy-Authorization} reach the program
 * ({@code pass-credentials}). Set on a route exactly when its host is {@code instances: per-connection}. Immutable.
 */
public record CgiRule(boolean passCredentials) {
}
