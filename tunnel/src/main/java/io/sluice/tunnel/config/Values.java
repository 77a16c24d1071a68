package io.sluice.tunnel.config;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads typed values from YAML nodes, reporting a wrong type or a bad value with its path; each reader returns null
 * after reporting. Stateless.
 */
final class Values {
    private static final Pattern DECIMAL = Pattern.compile("[-+]?\\d[\\d_]*");

    private Values() {
    }

    /** How a node is named in "expected …, got …" messages. */
    static String describe(Node node) {
        if (node == null) {
            return "nothing";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        String text = ((ScalarNode) node).getValue();
        Tag tag = node.getTag();
        if (tag.equals(Tag.NULL)) {
            return "nothing (null)";
        }
        String kind = tag.equals(Tag.STR) ? "a string"
                : tag.equals(Tag.INT) ? "an integer"
                : tag.equals(Tag.FLOAT) ? "a number"
                : tag.equals(Tag.BOOL) ? "a boolean"
                : "a " + tag.getClassName();
        return "%s ('%s')".formatted(kind, text);
    }

    static boolean isString(Node node) {
        return node instanceof ScalarNode && node.getTag().equals(Tag.STR);
    }

    private static boolean isInteger(Node node) {
        return node instanceof ScalarNode && node.getTag().equals(Tag.INT);
    }

    static String string(Node node, String path, Problems problems) {
        if (!isString(node)) {
            problems.add(node, path, "expected a string, got " + describe(node));
            return null;
        }
        return ((ScalarNode) node).getValue();
    }

    static Integer integer(Node node, String path, Problems problems) {
        BigInteger value = bigInteger(node, path, "an integer", problems);
        if (value == null) {
            return null;
        }
        if (value.bitLength() > 31) {
            problems.add(node, path, "%s is out of range".formatted(value));
            return null;
        }
        return value.intValueExact();
    }

    static Duration duration(Node node, String path, Problems problems) {
        String text = node instanceof ScalarNode s ? s.getValue() : "";
        try {
            if (isInteger(node)) {
                BigInteger seconds = bigInteger(node, path, "integer seconds", problems);
                return seconds == null ? null : Durations.ofSeconds(seconds, text);
            }
            if (isString(node)) {
                return Durations.parse(text);
            }
        } catch (IllegalArgumentException e) {
            problems.add(node, path, e.getMessage(), Durations.ALLOWED, null);
            return null;
        }
        problems.add(node, path, "expected a duration, got " + describe(node), Durations.ALLOWED, null);
        return null;
    }

    static Long size(Node node, String path, Problems problems) {
        String text = node instanceof ScalarNode s ? s.getValue() : "";
        try {
            if (isInteger(node)) {
                BigInteger bytes = bigInteger(node, path, "integer bytes", problems);
                return bytes == null ? null : ByteSizes.ofBytes(bytes, text);
            }
            if (isString(node)) {
                return ByteSizes.parse(text);
            }
        } catch (IllegalArgumentException e) {
            problems.add(node, path, e.getMessage(), ByteSizes.ALLOWED, null);
            return null;
        }
        problems.add(node, path, "expected a size, got " + describe(node), ByteSizes.ALLOWED, null);
        return null;
    }

    /** A list of strings; each bad element is reported at {@code path[i]}. */
    static List<String> strings(Node node, String path, Problems problems) {
        if (!(node instanceof SequenceNode seq)) {
            problems.add(node, path, "expected a list of strings, got " + describe(node));
            return null;
        }
        List<String> values = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < seq.getValue().size(); i++) {
            String value = string(seq.getValue().get(i), path + "[" + i + "]", problems);
            ok &= value != null;
            values.add(value);
        }
        return ok ? values : null;
    }

    /** Plain decimal integers only: YAML 1.1 would read {@code 0755} as octal and {@code 1:30} as 90. */
    private static BigInteger bigInteger(Node node, String path, String expected, Problems problems) {
        if (!isInteger(node)) {
            problems.add(node, path, "expected %s, got %s".formatted(expected, describe(node)));
            return null;
        }
        String text = ((ScalarNode) node).getValue();
        if (!DECIMAL.matcher(text).matches() || (text.replaceFirst("^[-+]", "").startsWith("0")
                && text.replaceFirst("^[-+]", "").length() > 1)) {
            problems.add(node, path, "'%s' is not a plain decimal integer".formatted(text));
            return null;
        }
        return new BigInteger(text.replace("_", "").replaceFirst("^\\+", ""));
    }
}
