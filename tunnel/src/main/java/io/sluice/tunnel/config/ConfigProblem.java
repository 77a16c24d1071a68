package io.sluice.tunnel.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One mistake in a configuration file, with where it is: {@code FILE:LINE:COL: OPTION-PATH: problem; allowed: …}.
 * Immutable. {@code line} and {@code column} are 1-based, 0 when unknown (the file could not be read); {@code
 * optionPath} is empty for YAML syntax errors; {@code allowed} and {@code suggestion} may be null.
 */
public record ConfigProblem(
        Path file,
        int line,
        int column,
        String optionPath,
        String problem,
        String allowed,
        String suggestion) {

    public ConfigProblem {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(optionPath, "optionPath");
        Objects.requireNonNull(problem, "problem");
    }

    /** The one line the CLI prints to stderr. */
    public String format() {
        StringBuilder line = new StringBuilder(file.toString());
        if (this.line > 0) {
            line.append(':').append(this.line).append(':').append(column);
        }
        line.append(": ");
        if (!optionPath.isEmpty()) {
            line.append(optionPath).append(": ");
        }
        line.append(problem);
        if (allowed != null) {
            line.append("; allowed: ").append(allowed);
        }
        if (suggestion != null) {
            line.append("; did you mean '").append(suggestion).append("'?");
        }
        return line.toString();
    }

    @Override
    public String toString() {
        return format();
    }
}
