package io.sluice.tunnel.cli;

import io.sluice.tunnel.config.ConfigException;
import io.sluice.tunnel.config.ConfigProblem;

/** Prints configuration problems to stderr, one located line each, with no stack trace. */
final class ConfigErrors {
    private ConfigErrors() {
    }

    static void print(ConfigException e) {
        for (ConfigProblem problem : e.problems()) {
            System.err.println(problem.format());
        }
        System.err.printf("%d configuration problem%s; nothing was started%n", e.problems().size(),
                e.problems().size() == 1 ? "" : "s");
    }
}
