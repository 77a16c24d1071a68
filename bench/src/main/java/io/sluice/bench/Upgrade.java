package io.sluice.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/** The client side of the RFC 6455 opening handshake, shared by every LoadGen connection kind. Stateless. */
final class Upgrade {
    private static final ByteBuf CRLFCRLF = Unpooled.unreleasableBuffer(
        Unpooled.wrappedBuffer("\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    /** A response head longer than this is not a WebSocket server's. */
    static final int MAX_HEAD = 16384;

    private Upgrade() {
    }

    /** A fresh random Sec-WebSocket-Key. */
    static String newKey() {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    /** The upgrade request for {@code target} with {@code key}. */
    static ByteBuf request(Target target, String key) {
        String request = "GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            .formatted(target.path(), target.host(), target.port())
            + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n"
            + (target.subprotocol() == null ? "" : "Sec-WebSocket-Protocol: " + target.subprotocol() + "\r\n")
            + "\r\n";
        return Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII);
    }

    /**
     * Checks the response head gathered in {@code head} so far; moves its reader index past the head once complete.
     *
     * @return whether the whole head has arrived (a 101 with the right accept)
     * @throws EchoMismatchException when the server refused, answered wrongly, or sent a head over 16 KiB
     */
    static boolean responseComplete(ByteBuf head, String key) {
        int end = ByteBufUtil.indexOf(CRLFCRLF, head);
        if (end < 0) {
            if (head.readableBytes() > MAX_HEAD) {
                throw new EchoMismatchException("handshake response over 16 KiB");
            }
            return false;
        }
        String text = head.toString(head.readerIndex(), end - head.readerIndex(), StandardCharsets.ISO_8859_1);
        String status = text.substring(0, Math.max(0, text.indexOf('\r')));
        if (!status.startsWith("HTTP/1.1 101")) {
            throw new EchoMismatchException("handshake refused: '%s'".formatted(status));
        }
        String accept = accept(key);
        boolean accepted = text.lines().anyMatch(line -> {
            int colon = line.indexOf(':');
            return colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Sec-WebSocket-Accept")
                && line.substring(colon + 1).trim().equals(accept);
        });
        if (!accepted) {
            throw new EchoMismatchException("handshake: wrong or missing Sec-WebSocket-Accept");
        }
        head.readerIndex(end + 4);
        return true;
    }

    private static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 missing from the JDK", e);
        }
    }
}
