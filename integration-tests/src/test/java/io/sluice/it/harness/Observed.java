package io.sluice.it.harness;

import java.util.ArrayList;
import java.util.List;

/**
 * What a reliability test saw, for its row in docs/reliability.md: the outcome in words that hold from run to run
 * (codes, exact byte counts, which log line), the bounds it asserted and the options that set them, and measured
 * values that vary between runs (shown, never compared). Filled by the test thread only.
 */
public final class Observed {
    /** A bound the test asserted: the option that sets it (or "fixed" for a constant) and the limit in words. */
    public record Bound(String option, String limit) {
    }

    /** A value measured in this run. */
    public record Measured(String name, String value) {
    }

    private String variant;
    private String variantTitle;
    private final List<String> outcome = new ArrayList<>();
    private final List<Bound> bounds = new ArrayList<>();
    private final List<Measured> measured = new ArrayList<>();

    /** For a parameterized test: this invocation's case is {@code id.suffix}, titled {@code title}. */
    public Observed variant(String suffix, String title) {
        this.variant = suffix;
        this.variantTitle = title;
        return this;
    }

    /** One sentence of the outcome; several are joined in the order given. */
    public Observed outcome(String sentence) {
        outcome.add(sentence);
        return this;
    }

    public Observed bound(String option, String limit) {
        bounds.add(new Bound(option, limit));
        return this;
    }

    public Observed measured(String name, String value) {
        measured.add(new Measured(name, value));
        return this;
    }

    String variant() {
        return variant;
    }

    String variantTitle() {
        return variantTitle;
    }

    List<String> outcome() {
        return outcome;
    }

    List<Bound> bounds() {
        return bounds;
    }

    List<Measured> measured() {
        return measured;
    }
}
