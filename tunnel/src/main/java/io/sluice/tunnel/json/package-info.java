/**
 * A tiny JSON writer (RFC 8259) for the admin status and the JSON access log: no parsing, no reflection, no
 * dependency. Imports nothing but the JDK.
 */
package io.sluice.tunnel.json;
