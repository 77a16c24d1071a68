package io.sluice.tunnel.lighttpd;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed lighttpd configuration: for the global scope and each conditional block, its options as the file leaves
 * them ({@code +=} applied, the last {@code =} kept), in order of first appearance; and what the parser could not
 * take over ({@code include_shell}), as warnings. Built by {@link Parser}; not thread-safe while built.
 */
final class LighttpdConfig {
    /** Blocks in file order; the global scope (condition null) first. */
    private final Map<Condition, Map<String, Directive>> blocks = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();

    LighttpdConfig() {
        blocks.put(null, new LinkedHashMap<>());
    }

    Map<String, Directive> block(Condition condition) {
        return blocks.computeIfAbsent(condition, c -> new LinkedHashMap<>());
    }

    Map<String, Directive> global() {
        return blocks.get(null);
    }

    /** The conditional blocks, in file order. */
    List<Condition> conditions() {
        return blocks.keySet().stream().filter(c -> c != null).toList();
    }

    void warn(Location where, String text) {
        warnings.add(where + ": " + text);
    }

    List<String> warnings() {
        return warnings;
    }
}
