package io.sluice.tunnel.config;

import io.sluice.spawner.spec.OutputLevels;
import io.sluice.spawner.spec.OutputLevels.Level;
import java.util.List;
import java.util.Locale;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads a spawned host's {@code output-level}: one level for both streams ({@code output-level: debug}) or a mapping
 * {@code {stdout: LEVEL, stderr: LEVEL}} where an absent stream keeps its default (stdout info, stderr warn).
 * Stateless apart from the problems it reports.
 */
final class OutputLevelReader {
    static final String OPTION = "output-level";
    private static final List<String> STREAMS = List.of("stdout", "stderr");

    private OutputLevelReader() {
    }

    /** The levels, {@link OutputLevels#DEFAULT} when the option is absent, or null after reporting problems. */
    static OutputLevels read(Fields f, Problems problems) {
        if (!f.has(OPTION)) {
            return OutputLevels.DEFAULT;
        }
        Node node = f.value(OPTION);
        String path = f.pathOf(OPTION);
        if (!(node instanceof MappingNode) && !(node instanceof ScalarNode)) {
            problems.add(node, path, "expected a level or a mapping of stdout and stderr to levels, got "
                    + Values.describe(node));
            return null;
        }
        if (node instanceof ScalarNode) {
            Level both = level(node, path, problems);
            return both == null ? null : new OutputLevels(both, both);
        }
        Fields streams = Fields.of(node, path, true, "a level or a mapping of stdout and stderr to levels", problems);
        if (streams == null) {
            return null;
        }
        Level stdout = OutputLevels.DEFAULT.stdout();
        Level stderr = OutputLevels.DEFAULT.stderr();
        boolean ok = true;
        for (String stream : streams.keys()) {
            if (!STREAMS.contains(stream)) {
                problems.add(streams.keyNode(stream), streams.pathOf(stream),
                        "'%s' is not an output stream".formatted(stream), String.join(", ", STREAMS), null);
                ok = false;
                continue;
            }
            Level level = level(streams.value(stream), streams.pathOf(stream), problems);
            if (level == null) {
                ok = false;
            } else if (stream.equals("stdout")) {
                stdout = level;
            } else {
                stderr = level;
            }
        }
        return ok ? new OutputLevels(stdout, stderr) : null;
    }

    private static Level level(Node node, String path, Problems problems) {
        String text = Values.scalarText(node, path, problems);
        if (text == null) {
            return null;
        }
        Level level = Level.named(text);
        if (level == null) {
            problems.add(node, path, "'%s' is not a log level".formatted(text), String.join(", ", Level.NAMES),
                    NearMiss.suggest(text.toLowerCase(Locale.ROOT), Level.NAMES));
        }
        return level;
    }
}
