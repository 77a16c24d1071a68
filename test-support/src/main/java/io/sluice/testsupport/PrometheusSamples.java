package io.sluice.testsupport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A metrics scrape as the official Prometheus client for Python parses it (Debian's {@code python3-prometheus-client},
 * installed by .ci/run): every sample with its family, type, labels and value. Parsing fails the test when the text
 * is not valid in the format asked for. Immutable once parsed.
 */
public final class PrometheusSamples {
    public static final String MODULE = "prometheus_client";
    private static final Pattern LABEL = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\": \"((?:[^\"\\\\]|\\\\.)*)\"");

    /** One sample: {@code name} is the sample's own name ({@code x_total}, {@code x_bucket}). */
    public record Sample(String family, String type, String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples;

    private PrometheusSamples(List<Sample> samples) {
        this.samples = List.copyOf(samples);
    }

    /** Whether the parser is installed. */
    public static boolean parserInstalled() {
        return Python.hasModule(MODULE);
    }

    /** Parses Prometheus text format (0.0.4). */
    public static PrometheusSamples parseText(String scrape) {
        return parse("text", scrape);
    }

    /** Parses OpenMetrics 1.0 strictly. */
    public static PrometheusSamples parseOpenMetrics(String scrape) {
        return parse("openmetrics", scrape);
    }

    private static PrometheusSamples parse(String format, String scrape) {
        List<Sample> samples = new ArrayList<>();
        for (String line : Python.run("parse_metrics.py", List.of(format), scrape).split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\t", 5);
            Map<String, String> labels = new LinkedHashMap<>();
            Matcher m = LABEL.matcher(f[3]);
            while (m.find()) {
                labels.put(unescape(m.group(1)), unescape(m.group(2)));
            }
            samples.add(new Sample(f[0], f[1], f[2], labels, Double.parseDouble(f[4])));
        }
        return new PrometheusSamples(samples);
    }

    private static String unescape(String json) {
        return json.replace("\\\"", "\"").replace("\\\\", "\\");
    }

    public List<Sample> all() {
        return samples;
    }

    /** The type the parser gave the family ({@code counter}, {@code gauge}, {@code histogram}, …), or null. */
    public String typeOf(String family) {
        return samples.stream().filter(s -> s.family().equals(family)).map(Sample::type).findFirst().orElse(null);
    }

    /** The value of the one sample {@code name} whose labels include {@code labels} (pairs); 0 when there is none. */
    public double value(String name, String... labels) {
        List<Sample> matching = matching(name, labels);
        if (matching.size() > 1) {
            throw new AssertionError("%d samples %s %s: %s".formatted(matching.size(), name, List.of(labels),
                    matching));
        }
        return matching.isEmpty() ? 0 : matching.get(0).value();
    }

    /** The sum over every sample {@code name} whose labels include {@code labels}. */
    public double sum(String name, String... labels) {
        return matching(name, labels).stream().mapToDouble(Sample::value).sum();
    }

    public List<Sample> matching(String name, String... labels) {
        return samples.stream().filter(s -> s.name().equals(name) && hasLabels(s, labels)).toList();
    }

    private static boolean hasLabels(Sample sample, String... pairs) {
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            if (!pairs[i + 1].equals(sample.labels().get(pairs[i]))) {
                return false;
            }
        }
        return true;
    }
}
