package io.sluice.tunnel.config;

import io.sluice.spawner.spec.InvalidOptionException;
import io.sluice.spawner.spec.PerKeySpec;
import io.sluice.tunnel.config.Problems.Spot;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads the options of an {@code instances: per-key} host: the tunnel's {@link KeyRule} ({@code key},
 * {@code key-pattern}, {@code key-default}) and the spawner's {@link PerKeySpec} ({@code max-sessions-per-key},
 * {@code max-age}, {@code start-timeout}, the {@code cwd} template, {@code cwd-create}); rejects them on any other
 * host. Stateless apart from the problems it reports; confined to the loading thread.
 */
final class PerKeyReader {
    /** The options valid only with {@code instances: per-key}, in documentation order. */
    static final List<String> PER_KEY_ONLY = List.of("key", "key-pattern", "key-default", "max-sessions-per-key",
            "max-age", "start-timeout", "cwd-create");
    /** Pool options that mean nothing for one worker per key. */
    static final List<String> POOL_ONLY = List.of("min-procs", "max-load-per-proc");

    /** A per-key host's two halves. */
    record PerKey(PerKeySpec spec, KeyRule rule) {
    }

    private PerKeyReader() {
    }

    /** On a host that is not per-key: reports every per-key option that is set. */
    static void rejectUnlessPerKey(Fields f, Problems problems) {
        for (String key : PER_KEY_ONLY) {
            if (f.has(key)) {
                problems.add(f.keyNode(key), f.pathOf(key), "%s is only valid with instances: per-key".formatted(key));
            }
        }
    }

    /**
     * The per-key settings, or null after reporting problems.
     *
     * @param cwdTemplate the resolved {@code cwd} when it contains {@code {key}}, else null
     * @param argv        the worker's argv, which must not contain {@code {key}}
     * @param environment {@code bin-environment}, whose values must not contain {@code {key}}
     */
    static PerKey read(Fields f, String routeKey, String cwdTemplate, List<String> argv,
                       Map<String, String> environment, Problems problems) {
        int before = problems.count();
        for (String key : POOL_ONLY) {
            if (f.has(key)) {
                problems.add(f.keyNode(key), f.pathOf(key), ("%s does not apply to instances: per-key (one worker per "
                        + "key, started by its first session; max-procs caps the live keys)").formatted(key));
            }
        }
        rejectPlaceholder(f, argv, environment, problems);
        KeySource source = source(f, routeKey, problems);
        Pattern pattern = source == null ? null : pattern(f, source, problems);
        String defaultKey = f.has("key-default")
                ? Values.scalarText(f.value("key-default"), f.pathOf("key-default"), problems) : null;
        Integer maxSessions = f.has("max-sessions-per-key")
                ? Values.integer(f.value("max-sessions-per-key"), f.pathOf("max-sessions-per-key"), problems) : 0;
        Duration maxAge = duration(f, "max-age", Duration.ZERO, problems);
        Duration startTimeout = duration(f, "start-timeout", PerKeySpec.DEFAULT_START_TIMEOUT, problems);
        boolean cwdCreate = f.has("cwd-create")
                && ConfinementReader.bool(f.value("cwd-create"), f.pathOf("cwd-create"), problems);
        // Both halves are built whenever their inputs were read, so their own rules are reported in the same pass.
        KeyRule rule = source == null || pattern == null ? null
                : record(f, () -> new KeyRule(source, pattern, defaultKey, cwdTemplate != null), problems);
        PerKeySpec spec = maxSessions == null || maxAge == null || startTimeout == null ? null
                : record(f, () -> new PerKeySpec(maxSessions, maxAge, startTimeout, cwdTemplate, cwdCreate), problems);
        return rule == null || spec == null || problems.count() != before ? null : new PerKey(spec, rule);
    }

    private static <T> T record(Fields f, Supplier<T> build, Problems problems) {
        try {
            return build.get();
        } catch (InvalidOptionException e) {
            problems.add(e, option -> spot(f, option));
            return null;
        }
    }

    private static KeySource source(Fields f, String routeKey, Problems problems) {
        if (!f.has("key")) {
            problems.add(f.missing("key"), "missing; instances: per-key needs to know where a session's key comes "
                    + "from", KeySource.ALLOWED, null);
            return null;
        }
        String text = Values.string(f.value("key"), f.pathOf("key"), problems);
        if (text == null) {
            return null;
        }
        try {
            KeySource source = KeySource.parse(text);
            if (source.kind() == KeySource.Kind.PATH && !routeKey.startsWith("/")) {
                problems.add(f.value("key"), f.pathOf("key"), ("key: path takes the part of the path after the "
                        + "route prefix, but route '%s' is a suffix").formatted(routeKey));
                return null;
            }
            return source;
        } catch (IllegalArgumentException e) {
            problems.add(f.value("key"), f.pathOf("key"), e.getMessage(), KeySource.ALLOWED, null);
            return null;
        }
    }

    private static Pattern pattern(Fields f, KeySource source, Problems problems) {
        if (!f.has("key-pattern")) {
            return Pattern.compile(KeyRule.defaultPattern(source));
        }
        String text = Values.string(f.value("key-pattern"), f.pathOf("key-pattern"), problems);
        if (text == null) {
            return null;
        }
        try {
            return Pattern.compile(text);
        } catch (PatternSyntaxException e) {
            problems.add(f.value("key-pattern"), f.pathOf("key-pattern"), "not a regular expression: "
                    + e.getDescription() + " near index " + e.getIndex(), "a Java regular expression; it must "
                    + "match the whole key", null);
            return null;
        }
    }

    /** {@code {key}} is substituted in cwd only: in argv or the environment it would put the raw key there. */
    private static void rejectPlaceholder(Fields f, List<String> argv, Map<String, String> environment,
                                          Problems problems) {
        String hint = "{key} is substituted in cwd only; a worker reads its key from the variable SLUICE_KEY";
        if (argv != null && argv.stream().anyMatch(a -> a.contains(PerKeySpec.KEY_PLACEHOLDER))) {
            problems.add(f.value("bin-path"), f.pathOf("bin-path"), hint);
        }
        if (f.has("socket") && f.value("socket") instanceof ScalarNode s
                && s.getValue().contains(PerKeySpec.KEY_PLACEHOLDER)) {
            problems.add(f.value("socket"), f.pathOf("socket"), hint + "; per-key sockets are named by a hash");
        }
        if (environment != null) {
            environment.forEach((name, value) -> {
                if (value.contains(PerKeySpec.KEY_PLACEHOLDER)) {
                    Spot spot = f.spot("bin-environment");
                    problems.add(spot == null ? f.missing("bin-environment") : spot, hint, null, null);
                }
            });
        }
    }

    private static Duration duration(Fields f, String key, Duration fallback, Problems problems) {
        return f.has(key) ? Values.duration(f.value(key), f.pathOf(key), problems) : fallback;
    }

    private static Spot spot(Fields f, String option) {
        Spot spot = f.spot(option);
        return spot != null ? spot : f.missing(option);
    }
}
