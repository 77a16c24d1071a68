package io.sluice.tunnel.config;

import io.sluice.spawner.spec.InvalidOptionException;

/**
 * Gathers the rule violations of one record's compact constructor so that all of them, not just the first, reach
 * the user: {@link #throwIfAny()} throws the first with the others suppressed. Confined to one constructor call.
 */
final class Violations {
    private InvalidOptionException first;

    void add(String option, String problem, String allowed) {
        InvalidOptionException e = new InvalidOptionException(option, problem, allowed);
        if (first == null) {
            first = e;
        } else {
            first.addSuppressed(e);
        }
    }

    void throwIfAny() {
        if (first != null) {
            throw first;
        }
    }
}
