package io.sluice.tunnel.config;

import io.sluice.tunnel.config.Problems.Spot;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * One YAML mapping of the config, with its option path, its keys in file order and duplicate keys reported. Option
 * keys join the path with a dot ({@code server.port}); free keys (routes, suffixes) with brackets
 * ({@code wstunnel.server["/echo/"]}). Confined to the loading thread.
 */
final class Fields {
    private static final Pattern INDEX = Pattern.compile("\\[(\\d+)]");
    private static final Pattern QUOTED_KEY = Pattern.compile("\\[\"((?:[^\"\\\\]|\\\\.)*)\"]");

    private final String path;
    private final MappingNode node;
    private final boolean freeKeys;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();

    private Fields(String path, MappingNode node, boolean freeKeys) {
        this.path = path;
        this.node = node;
        this.freeKeys = freeKeys;
    }

    /** The mapping at {@code node}, or null (with a problem reported) when the node is not a mapping. */
    static Fields of(Node node, String path, boolean freeKeys, String expected, Problems problems) {
        if (!(node instanceof MappingNode mapping)) {
            problems.add(node, path, "expected %s, got %s".formatted(expected, Values.describe(node)));
            return null;
        }
        Fields fields = new Fields(path, mapping, freeKeys);
        for (NodeTuple tuple : mapping.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
                problems.add(tuple.getKeyNode(), path, "a key must be a plain string, got " +
                        Values.describe(tuple.getKeyNode()));
                continue;
            }
            String key = keyNode.getValue();
            NodeTuple first = fields.entries.putIfAbsent(key, tuple);
            if (first != null) {
                problems.add(keyNode, fields.pathOf(key), "duplicate key '%s' (first at line %d)"
                        .formatted(key, first.getKeyNode().getStartMark().getLine() + 1));
            }
        }
        return fields;
    }

    String path() {
        return path;
    }

    MappingNode node() {
        return node;
    }

    /** The keys in file order (duplicates once, at their first place). */
    List<String> keys() {
        return List.copyOf(entries.keySet());
    }

    boolean has(String key) {
        return entries.containsKey(key);
    }

    /** The value node of a key, or null when the key is absent. */
    Node value(String key) {
        NodeTuple tuple = entries.get(key);
        return tuple == null ? null : tuple.getValueNode();
    }

    Node keyNode(String key) {
        NodeTuple tuple = entries.get(key);
        return tuple == null ? null : tuple.getKeyNode();
    }

    String pathOf(String key) {
        if (freeKeys) {
            return path + "[" + SluiceConfig.quoted(key) + "]";
        }
        return path.isEmpty() ? key : path + "." + key;
    }

    /** The spot of an absent option: its path, at this mapping. */
    Spot missing(String key) {
        return new Spot(pathOf(key), node);
    }

    /**
     * Where a record's option is, if it was written here: {@code origins[1]} or {@code map-extensions[".sh"]} is
     * followed one level into the value; null when the option's key is absent.
     */
    Spot spot(String option) {
        int bracket = option.indexOf('[');
        String key = bracket < 0 ? option : option.substring(0, bracket);
        Node value = value(key);
        if (value == null) {
            return null;
        }
        if (bracket < 0) {
            return new Spot(pathOf(key), value);
        }
        String rest = option.substring(bracket);
        return new Spot(pathOf(key) + rest, inner(value, rest));
    }

    private static Node inner(Node value, String rest) {
        Matcher index = INDEX.matcher(rest);
        if (index.matches() && value instanceof SequenceNode seq) {
            int i = Integer.parseInt(index.group(1));
            return i < seq.getValue().size() ? seq.getValue().get(i) : value;
        }
        Matcher quoted = QUOTED_KEY.matcher(rest);
        if (quoted.matches() && value instanceof MappingNode map) {
            String key = quoted.group(1).replace("\\\"", "\"").replace("\\\\", "\\");
            for (NodeTuple tuple : map.getValue()) {
                if (tuple.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                    return tuple.getValueNode();
                }
            }
        }
        return value;
    }
}
