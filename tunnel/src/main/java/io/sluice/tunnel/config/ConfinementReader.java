package io.sluice.tunnel.config;

import io.sluice.spawner.spec.Confinement;
import io.sluice.spawner.spec.InvalidOptionException;
import io.sluice.spawner.spec.ResourceLimit;
import io.sluice.spawner.spec.ResourceLimit.Resource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads who a spawned host's workers run as and their resource limits ({@code user}, {@code group},
 * {@code allow-root}, {@code rlimits}) into a {@link Confinement}. Whether they can be applied (names known, Sluice
 * root or the user its own, limits within Sluice's own) is checked when the supervisor starts. Stateless apart from
 * the problems it reports; confined to the loading thread.
 */
final class ConfinementReader {
    static final String LIMIT_FORMS = "one value for soft and hard, or [soft, hard]; a value is a number (sizes may "
            + "use KiB, MiB, GiB; cpu may be a duration) or unlimited";

    private ConfinementReader() {
    }

    /** The confinement, {@link Confinement#NONE} when nothing is set, or null after reporting problems. */
    static Confinement read(Fields f, Problems problems) {
        int before = problems.count();
        String user = f.has("user") ? Values.scalarText(f.value("user"), f.pathOf("user"), problems) : null;
        String group = f.has("group") ? Values.scalarText(f.value("group"), f.pathOf("group"), problems) : null;
        boolean allowRoot = f.has("allow-root") && bool(f.value("allow-root"), f.pathOf("allow-root"), problems);
        List<ResourceLimit> limits = f.has("rlimits") ? limits(f, problems) : List.of();
        Confinement confinement;
        try {
            // Built with whatever was read, so that its own rules are reported along with the problems above.
            confinement = new Confinement(user, group, allowRoot, limits);
        } catch (InvalidOptionException e) {
            problems.add(e, option -> f.spot(option) != null ? f.spot(option) : f.missing(option));
            return null;
        }
        return problems.count() != before ? null : confinement;
    }

    static boolean bool(Node node, String path, Problems problems) {
        // YAML 1.1 also tags yes/no/on/off as booleans, which parseBoolean would read as false: only true/false.
        if (node instanceof ScalarNode s && s.getTag().equals(Tag.BOOL)
                && (s.getValue().equalsIgnoreCase("true") || s.getValue().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(s.getValue().toLowerCase(Locale.ROOT));
        }
        if (node instanceof ScalarNode s && s.getTag().equals(Tag.BOOL)) {
            problems.add(node, path, "'%s' is not a boolean here; write true or false".formatted(s.getValue()));
        } else {
            problems.add(node, path, "expected true or false, got " + Values.describe(node));
        }
        return false;
    }

    private static List<ResourceLimit> limits(Fields f, Problems problems) {
        Fields map = Fields.of(f.value("rlimits"), f.pathOf("rlimits"), false, "a mapping of resource to limit",
                problems);
        if (map == null) {
            return List.of();
        }
        List<ResourceLimit> limits = new ArrayList<>();
        for (String name : map.keys()) {
            Resource resource = Resource.fromConfig(name).orElse(null);
            if (resource == null) {
                String near = NearMiss.suggest(name, List.of(Resource.ALLOWED.split(", ")));
                problems.add(map.keyNode(name), map.pathOf(name), "'%s' is not a resource".formatted(name),
                        near == null ? Resource.ALLOWED : null, near);
                continue;
            }
            ResourceLimit limit = limit(resource, map.value(name), map.pathOf(name), problems);
            if (limit != null) {
                limits.add(limit);
            }
        }
        return limits;
    }

    private static ResourceLimit limit(Resource resource, Node node, String path, Problems problems) {
        Long soft;
        Long hard;
        if (node instanceof SequenceNode seq) {
            if (seq.getValue().size() != 2) {
                problems.add(node, path, "expected [soft, hard], got a list of " + seq.getValue().size(),
                        LIMIT_FORMS, null);
                return null;
            }
            soft = value(resource, seq.getValue().get(0), path + "[0]", problems);
            hard = value(resource, seq.getValue().get(1), path + "[1]", problems);
        } else {
            soft = value(resource, node, path, problems);
            hard = soft;
        }
        if (soft == null || hard == null) {
            return null;
        }
        try {
            return new ResourceLimit(resource, soft, hard);
        } catch (InvalidOptionException e) {
            problems.add(node, path, e.problem(), e.allowed(), null);
            return null;
        }
    }

    private static Long value(Resource resource, Node node, String path, Problems problems) {
        if (Values.isString(node) && ((ScalarNode) node).getValue().equals("unlimited")) {
            return ResourceLimit.UNLIMITED;
        }
        return switch (resource) {
            case AS, FSIZE, CORE -> Values.size(node, path, problems);
            case CPU -> {
                Duration d = Values.duration(node, path, problems);
                if (d != null && d.toMillis() % 1000 != 0) {
                    problems.add(node, path, "cpu is counted in whole seconds, got " + Durations.format(d),
                            LIMIT_FORMS, null);
                    yield null;
                }
                yield d == null ? null : d.toSeconds();
            }
            case NOFILE, NPROC -> {
                Integer n = Values.integer(node, path, problems);
                if (n != null && n < 0) {
                    problems.add(node, path, "must not be negative, got " + n, LIMIT_FORMS, null);
                    yield null;
                }
                yield n == null ? null : n.longValue();
            }
        };
    }
}
