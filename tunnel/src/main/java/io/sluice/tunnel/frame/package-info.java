/**
 * RFC 6455 framing for a byte tunnel: a streaming client-frame decoder that never holds a whole frame, and the
 * stateful framers that turn backend bytes into text (UTF-8-safe), binary or base64 frames. Netty only; no sessions.
 */
package io.sluice.tunnel.frame;
