package io.sluice.tunnel.config;

import java.util.List;
import java.util.Locale;

/** Suggests the option a mistyped key probably meant: {@code _} for {@code -}, or at most two edits away. Stateless. */
final class NearMiss {
    private static final int MAX_EDITS = 2;

    private NearMiss() {
    }

    /** The closest candidate, or null when none is close enough. */
    static String suggest(String key, List<String> candidates) {
        String normalized = key.replace('_', '-').toLowerCase(Locale.ROOT);
        if (candidates.contains(normalized)) {
            return normalized;
        }
        String best = null;
        int bestDistance = MAX_EDITS + 1;
        for (String candidate : candidates) {
            int d = distance(normalized, candidate);
            if (d < bestDistance && d < candidate.length()) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
