package io.sluice.spawner.spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The settings of an {@code instances: per-key} backend beyond its {@link PoolLimits} (whose {@code max-procs} caps
 * the live keys and whose {@code idle-timeout} stops a key's worker after its last session): how many sessions one key
 * may hold ({@code max-sessions-per-key}, 0 = unlimited), how long a worker may live whatever it does
 * ({@code max-age}, 0 = for ever), how long a session waits for its key's worker to start ({@code start-timeout}),
 * and an optional working-directory template with {@code {key}} ({@code cwd}) that is created when missing
 * ({@code cwd-create}). Immutable; validates itself in option terms.
 *
 * @param cwdTemplate an absolute path containing {@value #KEY_PLACEHOLDER}, or null to use the launch's cwd
 */
public record PerKeySpec(int maxSessionsPerKey, Duration maxAge, Duration startTimeout, String cwdTemplate,
                         boolean cwdCreate) {

    /** What {@code cwd} may contain to name the key's own folder. */
    public static final String KEY_PLACEHOLDER = "{key}";
    /** {@code start-timeout}'s default. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(10);

    public PerKeySpec {
        Objects.requireNonNull(maxAge, "maxAge");
        Objects.requireNonNull(startTimeout, "startTimeout");
        List<InvalidOptionException> v = new ArrayList<>();
        if (maxSessionsPerKey < 0) {
            v.add(new InvalidOptionException("max-sessions-per-key", "must not be negative, got "
                    + maxSessionsPerKey, "0 (unlimited) or more"));
        }
        if (maxAge.isNegative()) {
            v.add(new InvalidOptionException("max-age", "must not be negative, got " + maxAge, "0 (off) or more"));
        }
        if (startTimeout.isNegative() || startTimeout.isZero()) {
            v.add(new InvalidOptionException("start-timeout", "must be more than 0", null));
        }
        if (cwdTemplate != null && (!cwdTemplate.contains(KEY_PLACEHOLDER) || !Path.of(cwdTemplate).isAbsolute())) {
            v.add(new InvalidOptionException("cwd", "a per-key cwd template must be absolute and contain "
                    + KEY_PLACEHOLDER + ", got " + cwdTemplate, null));
        }
        if (cwdCreate && cwdTemplate == null) {
            v.add(new InvalidOptionException("cwd-create", "needs a cwd containing " + KEY_PLACEHOLDER, null));
        }
        InvalidOptionException.throwIfAny(v);
    }

    /** Whether a key may hold one more session when it holds {@code sessions}. */
    public boolean admitsAnotherSession(int sessions) {
        return maxSessionsPerKey == 0 || sessions < maxSessionsPerKey;
    }

    /**
     * The key's working directory, or null without a template. The key must be a single, ordinary path component
     * (no {@code /}, no NUL, not {@code .} or {@code ..}): the tunnel refuses any other key for such a backend, and
     * this refuses it again, so a key can never name a folder outside the template's.
     *
     * @throws IllegalArgumentException when the key cannot be a folder name
     */
    public Path cwdFor(String key) {
        if (cwdTemplate == null) {
            return null;
        }
        if (!isFolderName(key)) {
            throw new IllegalArgumentException("the key cannot be used as a folder name");
        }
        return Path.of(cwdTemplate.replace(KEY_PLACEHOLDER, key));
    }

    /** Whether {@code key} is one ordinary path component: not empty, no {@code /} or NUL, not . or ... */
    public static boolean isFolderName(String key) {
        return !key.isEmpty() && !key.equals(".") && !key.equals("..") && key.indexOf('/') < 0
                && key.indexOf('\0') < 0;
    }
}
