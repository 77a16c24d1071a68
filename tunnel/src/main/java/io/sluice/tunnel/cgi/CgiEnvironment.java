package io.sluice.tunnel.cgi;

import io.sluice.tunnel.tls.ClientTls;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds a per-connection program's CGI-style environment as {@code NAME=value} byte strings, ready for the spawner
 * (which lays them over the host's {@code bin-environment}): the RFC 3875 meta-variables this request has,
 * {@code HTTP_*} for its headers ({@link HeaderVariables}), for a client over TLS {@code HTTPS=on} and the
 * {@code SSL_*} variables of Apache's mod_ssl ({@link #tls}), then {@code SLUICE_ROUTE} and {@code SLUICE_SESSION_ID}.
 * Wire values (request target, path, query, host, header values) go out byte for byte; configured text (the route)
 * as UTF-8. A variable whose value cannot be an environment value (a NUL byte, or a char that is no byte) is left
 * out, never altered. Stateless.
 */
public final class CgiEnvironment {

    private CgiEnvironment() {
    }

    public static List<byte[]> entries(CgiRequest request, CgiSession session) {
        Builder env = new Builder();
        env.text("GATEWAY_INTERFACE", "CGI/1.1");
        env.text("SERVER_SOFTWARE", session.serverSoftware());
        env.wire("SERVER_NAME", request.serverName());
        env.text("SERVER_PORT", Integer.toString(request.serverPort()));
        env.text("SERVER_PROTOCOL", request.protocol());
        env.text("REMOTE_ADDR", request.remoteAddress());
        env.text("REMOTE_PORT", Integer.toString(request.remotePort()));
        env.text("REQUEST_METHOD", request.method());
        env.wire("REQUEST_URI", request.requestUri());
        env.wire("SCRIPT_NAME", request.scriptName());
        env.wire("PATH_INFO", request.pathInfo());
        env.wire("QUERY_STRING", request.queryString());
        for (Map.Entry<String, String> header : HeaderVariables.of(request.headers(), session.passCredentials())) {
            env.wire(header.getKey(), header.getValue());
        }
        if (session.tls() != null) {
            tls(env, session.tls());
        }
        env.text("SLUICE_ROUTE", session.route());
        env.text("SLUICE_SESSION_ID", session.sessionId());
        return env.entries;
    }

    /**
     * {@code HTTPS=on}, {@code SSL_PROTOCOL}, {@code SSL_CIPHER}, {@code SSL_CLIENT_VERIFY} ({@code SUCCESS} with a
     * client certificate, which the handshake verified, else {@code NONE}) and, with a certificate,
     * {@code SSL_CLIENT_S_DN}, {@code SSL_CLIENT_S_DN_CN} and {@code SSL_CLIENT_I_DN} (RFC 2253 names, as mod_ssl
     * writes them).
     */
    private static void tls(Builder env, ClientTls tls) {
        env.text("HTTPS", "on");
        env.text("SSL_PROTOCOL", tls.protocol());
        env.text("SSL_CIPHER", tls.cipher());
        env.text("SSL_CLIENT_VERIFY", tls.hasCertificate() ? "SUCCESS" : "NONE");
        if (tls.hasCertificate()) {
            env.text("SSL_CLIENT_S_DN", tls.subject());
            if (tls.commonName() != null) {
                env.text("SSL_CLIENT_S_DN_CN", tls.commonName());
            }
            env.text("SSL_CLIENT_I_DN", tls.issuer());
        }
    }

    private static final class Builder {
        final List<byte[]> entries = new ArrayList<>();

        /** A value received as bytes: each char must be one byte (ISO-8859-1). */
        void wire(String name, String value) {
            byte[] bytes = new byte[value.length()];
            for (int i = 0; i < bytes.length; i++) {
                char c = value.charAt(i);
                if (c > 0xFF) {
                    return;
                }
                bytes[i] = (byte) c;
            }
            add(name, bytes);
        }

        /** A value Sluice or the config made: UTF-8. */
        void text(String name, String value) {
            add(name, value.getBytes(StandardCharsets.UTF_8));
        }

        private void add(String name, byte[] value) {
            for (byte b : value) {
                if (b == 0) {
                    return;
                }
            }
            byte[] key = name.getBytes(StandardCharsets.US_ASCII);
            byte[] entry = new byte[key.length + 1 + value.length];
            System.arraycopy(key, 0, entry, 0, key.length);
            entry[key.length] = '=';
            System.arraycopy(value, 0, entry, key.length + 1, value.length);
            entries.add(entry);
        }
    }
}
