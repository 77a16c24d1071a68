package io.sluice.tunnel.config;

import io.sluice.spawner.spec.InvalidOptionException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.yaml.snakeyaml.nodes.Node;

/** Collects the problems of one load, located by YAML node; confined to the loading thread. */
final class Problems {
    private final Path file;
    private final Set<ConfigProblem> problems = new LinkedHashSet<>();

    Problems(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    void add(ConfigProblem problem) {
        problems.add(problem);
    }

    void add(Spot spot, String problem, String allowed, String suggestion) {
        add(spot.node(), spot.path(), problem, allowed, suggestion);
    }

    void add(Node node, String path, String problem, String allowed, String suggestion) {
        int line = node == null ? 1 : node.getStartMark().getLine() + 1;
        int column = node == null ? 1 : node.getStartMark().getColumn() + 1;
        problems.add(new ConfigProblem(file, line, column, path, problem, allowed, suggestion));
    }

    void add(Node node, String path, String problem) {
        add(node, path, problem, null, null);
    }

    /** A problem with no position: the file itself is the trouble (unreadable, not YAML at all). */
    void addUnlocated(String problem) {
        problems.add(new ConfigProblem(file, 0, 0, "", problem, null, null));
    }

    /**
     * A record's own validation failed: report it and its suppressed companions where their options are; a null
     * spot means the violation only follows from problems already reported, and is left out.
     */
    void add(InvalidOptionException e, Function<String, Spot> locate) {
        List<InvalidOptionException> all = new ArrayList<>();
        all.add(e);
        for (Throwable t : e.getSuppressed()) {
            if (t instanceof InvalidOptionException more) {
                all.add(more);
            }
        }
        for (InvalidOptionException one : all) {
            Spot spot = locate.apply(one.option());
            if (spot != null) {
                add(spot, one.problem(), one.allowed(), null);
            }
        }
    }

    int count() {
        return problems.size();
    }

    /** Every problem, in file order (line, then column); the order found breaks ties. */
    List<ConfigProblem> inFileOrder() {
        List<ConfigProblem> sorted = new ArrayList<>(problems);
        sorted.sort(Comparator.comparingInt(ConfigProblem::line).thenComparingInt(ConfigProblem::column));
        return sorted;
    }

    /** Where a problem is: the option path and the node whose position is reported. */
    record Spot(String path, Node node) {
    }
}
