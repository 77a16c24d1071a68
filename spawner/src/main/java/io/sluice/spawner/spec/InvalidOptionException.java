package io.sluice.spawner.spec;

import java.util.List;

/**
 * A record's own validation failed. Names the option in config terms; the config loader catches it and adds where
 * (file, line, column, option path). {@code allowed} may be null.
 */
public final class InvalidOptionException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String option;
    private final String problem;
    private final String allowed;

    public InvalidOptionException(String option, String problem, String allowed) {
        super(option + ": " + problem + (allowed == null ? "" : "; allowed: " + allowed));
        this.option = option;
        this.problem = problem;
        this.allowed = allowed;
    }

    /**
     * Throws the first of {@code violations} with the others attached as suppressed, so a record can report every
     * broken rule at once; does nothing when the list is empty.
     */
    public static void throwIfAny(List<InvalidOptionException> violations) {
        if (violations.isEmpty()) {
            return;
        }
        InvalidOptionException first = violations.get(0);
        for (InvalidOptionException more : violations.subList(1, violations.size())) {
            first.addSuppressed(more);
        }
        throw first;
    }

    public String option() {
        return option;
    }

    public String problem() {
        return problem;
    }

    /** What would be accepted, or null when the problem says it all. */
    public String allowed() {
        return allowed;
    }
}
