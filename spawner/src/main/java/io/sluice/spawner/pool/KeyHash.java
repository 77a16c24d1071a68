package io.sluice.spawner.pool;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The name a per-key worker goes by wherever a key must not appear raw (socket file, logs, status): the first 16 hex
 * digits (64 bits) of SHA-256 over the backend's name, a NUL and the key. Per backend, so two hosts never share a
 * socket name, and fixed, so an operator can find a key's worker again across restarts. Stateless.
 */
final class KeyHash {
    static final int HEX_DIGITS = 16;

    private KeyHash() {
    }

    static String of(String backendName, String key) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JDK", e);
        }
        sha256.update(backendName.getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) 0);
        byte[] digest = sha256.digest(key.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest, 0, HEX_DIGITS / 2);
    }
}
