/**
 * The CGI-style environment of a per-connection program (RFC 3875 meta-variables plus {@code SLUICE_*}), built as
 * exact byte strings from the upgrade request's facts (and the client's TLS facts). Pure functions over Netty's HTTP
 * types; imports nothing from the spawner, the server or the session.
 */
package io.sluice.tunnel.cgi;
