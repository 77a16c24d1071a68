package io.sluice.spawner.balance;

import io.sluice.spawner.spec.BackendAddress;
import java.nio.charset.StandardCharsets;

/**
 * lighttpd's {@code djbhash} (djb2a): {@code h = ((h << 5) + h) ^ byte} over the UTF-8 bytes, in 32 bits; Java's
 * {@code int} wraps exactly like C's {@code uint32_t}, and callers compare results unsigned. Stateless.
 */
final class Djb {

    static final int INIT = 5381;

    private Djb() {
    }

    static int hash(String s, int h) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                return hashBytes(s.getBytes(StandardCharsets.UTF_8), i, h);
            }
            h = ((h << 5) + h) ^ c;
        }
        return h;
    }

    /** Continues over {@code bytes} from {@code from}; the ASCII prefix before it was already hashed. */
    private static int hashBytes(byte[] bytes, int from, int h) {
        // The prefix is ASCII, so its UTF-8 length equals its char count and {@code from} indexes the bytes too.
        for (int i = from; i < bytes.length; i++) {
            h = ((h << 5) + h) ^ (bytes[i] & 0xff);
        }
        return h;
    }

    /** lighttpd's {@code host->gw_hash}: the host string (or socket path) hashed, XOR the port. */
    static int hostHash(BackendAddress address) {
        return hash(address.hashName(), INIT) ^ address.hashPort();
    }
}
