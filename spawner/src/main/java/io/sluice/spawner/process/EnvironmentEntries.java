package io.sluice.spawner.process;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds a child's envp as exact byte strings: the launch spec's variables (sorted, UTF-8), then per-session
 * entries, which replace same-named ones, then the ledger's instance token, which nothing replaces. Stateless.
 */
final class EnvironmentEntries {

    private EnvironmentEntries() {
    }

    /**
     * @param session {@code NAME=value} byte strings; a name must be non-empty and no entry may hold a NUL
     * @param token   the instance token's value, or null for none
     * @throws IllegalArgumentException for a malformed session entry
     */
    static List<byte[]> merge(Map<String, String> base, List<byte[]> session, String token) {
        Map<String, byte[]> byName = new LinkedHashMap<>();
        new TreeMap<>(base).forEach((name, value) -> byName.put(bytesAsChars(utf8(name)), utf8(name + "=" + value)));
        for (byte[] entry : session) {
            byName.remove(nameOf(entry));
            byName.put(nameOf(entry), entry);
        }
        if (token != null) {
            byName.remove(ProcessGroupLedger.TOKEN_VARIABLE);
            byName.put(ProcessGroupLedger.TOKEN_VARIABLE, utf8(ProcessGroupLedger.TOKEN_VARIABLE + "=" + token));
        }
        return new ArrayList<>(byName.values());
    }

    private static String nameOf(byte[] entry) {
        int equals = -1;
        for (int i = 0; i < entry.length; i++) {
            if (entry[i] == 0) {
                throw new IllegalArgumentException("environment entry holds a NUL byte at " + i);
            }
            if (equals < 0 && entry[i] == '=') {
                equals = i;
            }
        }
        if (equals <= 0) {
            throw new IllegalArgumentException("environment entry must be NAME=value, got "
                    + new String(entry, StandardCharsets.ISO_8859_1));
        }
        return bytesAsChars(Arrays.copyOf(entry, equals));
    }

    /** Names are compared as bytes: ISO-8859-1 maps each byte to one char. */
    private static String bytesAsChars(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static byte[] utf8(String entry) {
        return entry.getBytes(StandardCharsets.UTF_8);
    }
}
