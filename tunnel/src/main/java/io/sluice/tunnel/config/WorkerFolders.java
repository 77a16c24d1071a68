package io.sluice.tunnel.config;

import io.sluice.spawner.spec.PerKeySpec;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads a spawned host's {@code cwd}: a folder that must exist, or for {@code instances: per-key} a template with
 * {@code {key}} whose fixed part (the folder holding the key's own) must exist. Stateless.
 */
final class WorkerFolders {

    private WorkerFolders() {
    }

    /** The working directory, or null after reporting a problem. */
    static Path cwd(Fields f, Path baseDir, Problems problems) {
        Path dir = resolve(f, baseDir, problems);
        if (dir == null) {
            return null;
        }
        if (dir.toString().contains(PerKeySpec.KEY_PLACEHOLDER)) {
            problems.add(f.value("cwd"), f.pathOf("cwd"), "{key} is only known for instances: per-key");
            return null;
        }
        if (!Files.isDirectory(dir)) {
            problems.add(f.value("cwd"), f.pathOf("cwd"),
                    (Files.exists(dir) ? "%s is not a directory" : "no such directory: %s").formatted(dir));
            return null;
        }
        return dir;
    }

    /**
     * For a per-key host: the absolute cwd template when {@code cwd} contains {@code {key}}, else null (an ordinary
     * cwd, read by {@link #cwd}). The folder above the first component with {@code {key}} must exist; the key's own
     * folder is made at its worker's start ({@code cwd-create}) or must exist by then.
     */
    static String template(Fields f, Path baseDir, Problems problems) {
        String text = f.value("cwd") instanceof ScalarNode s ? s.getValue() : "";
        if (!text.contains(PerKeySpec.KEY_PLACEHOLDER)) {
            return null;
        }
        Path template = resolve(f, baseDir, problems);
        if (template == null) {
            return null;
        }
        Path fixed = template;
        while (fixed != null && fixed.toString().contains(PerKeySpec.KEY_PLACEHOLDER)) {
            fixed = fixed.getParent();
        }
        if (fixed == null || !Files.isDirectory(fixed)) {
            problems.add(f.value("cwd"), f.pathOf("cwd"), ("no such directory: %s (the folder that holds each key's "
                    + "own)").formatted(fixed));
            return null;
        }
        return template.toString();
    }

    /** Whether {@code cwd} is a template, i.e. contains {@code {key}}. */
    static boolean isTemplate(Fields f) {
        return f.value("cwd") instanceof ScalarNode s && s.getValue().contains(PerKeySpec.KEY_PLACEHOLDER);
    }

    private static Path resolve(Fields f, Path baseDir, Problems problems) {
        String text = Values.string(f.value("cwd"), f.pathOf("cwd"), problems);
        if (text == null) {
            return null;
        }
        try {
            return baseDir.resolve(text).normalize();
        } catch (InvalidPathException e) {
            problems.add(f.value("cwd"), f.pathOf("cwd"), "'%s' is not a valid path".formatted(text));
            return null;
        }
    }
}
