package io.sluice.spawner.spec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Who a worker runs as and what it may use, applied before its program starts: {@code user} and {@code group} (a
 * name or a numeric id; null = Sluice's own), whether it may run as root ({@code allow-root}), and its
 * {@code rlimits}. Names are resolved, and every part checked against what Sluice may do, when the supervisor
 * starts: what cannot be applied is a startup error, never skipped. Immutable.
 */
public record Confinement(String user, String group, boolean allowRoot, List<ResourceLimit> rlimits) {

    /** Nothing asked: the worker runs as Sluice does, with Sluice's limits. */
    public static final Confinement NONE = new Confinement(null, null, false, List.of());

    public Confinement {
        List<ResourceLimit> sorted = new ArrayList<>(rlimits);
        sorted.sort(Comparator.comparing(ResourceLimit::resource));
        rlimits = List.copyOf(sorted);
        List<InvalidOptionException> v = new ArrayList<>();
        checkName(v, "user", user);
        checkName(v, "group", group);
        if (rlimits.stream().map(ResourceLimit::resource).distinct().count() != rlimits.size()) {
            v.add(new InvalidOptionException("rlimits", "names a resource twice", ResourceLimit.Resource.ALLOWED));
        }
        InvalidOptionException.throwIfAny(v);
    }

    private static void checkName(List<InvalidOptionException> v, String option, String name) {
        if (name != null && (name.isEmpty() || !name.matches("[A-Za-z0-9._][A-Za-z0-9._-]*[$]?"))) {
            v.add(new InvalidOptionException(option, "'%s' is not a %s name or id".formatted(name, option),
                    "a name such as sandbox, or a numeric id"));
        }
    }

    /** Whether anything is asked at all. */
    public boolean isEmpty() {
        return user == null && group == null && rlimits.isEmpty();
    }
}
