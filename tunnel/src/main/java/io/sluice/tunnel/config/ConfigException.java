package io.sluice.tunnel.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration could not be accepted; holds every problem found in one run, in file order. Immutable. The
 * message is the problems' lines joined by newlines, exactly what {@code sluice check} prints.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient List<ConfigProblem> problems;

    public ConfigException(List<ConfigProblem> problems) {
        super(problems.stream().map(ConfigProblem::format).collect(Collectors.joining("\n")));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }
}
