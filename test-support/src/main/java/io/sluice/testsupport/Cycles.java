package io.sluice.testsupport;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Finds a cycle in a small directed graph (a depth-first search). Stateless. */
final class Cycles {
    private enum Mark { ON_PATH, DONE }

    private Cycles() {
    }

    /**
     * One cycle of {@code graph} (node → the nodes it points to) as its path, first node repeated at the end
     * ({@code [a, b, a]}), or an empty list when the graph has none. Nodes only pointed to count as leaves.
     */
    static List<String> find(Map<String, Set<String>> graph) {
        Map<String, Mark> marks = new HashMap<>();
        List<String> path = new ArrayList<>();
        for (String start : graph.keySet()) {
            List<String> cycle = visit(start, graph, marks, path);
            if (!cycle.isEmpty()) {
                return cycle;
            }
        }
        return List.of();
    }

    private static List<String> visit(String node, Map<String, Set<String>> graph, Map<String, Mark> marks,
            List<String> path) {
        Mark mark = marks.get(node);
        if (mark == Mark.DONE) {
            return List.of();
        }
        if (mark == Mark.ON_PATH) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(node), path.size()));
            cycle.add(node);
            return cycle;
        }
        marks.put(node, Mark.ON_PATH);
        path.add(node);
        for (String next : graph.getOrDefault(node, Set.of())) {
            List<String> cycle = visit(next, graph, marks, path);
            if (!cycle.isEmpty()) {
                return cycle;
            }
        }
        path.remove(path.size() - 1);
        marks.put(node, Mark.DONE);
        return List.of();
    }
}
