package io.sluice.it.reliability.soak;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether a soak passed: every metric flat after the warm-up (the least-squares growth over the window within its
 * tolerance), no corrupted or lost byte and no unexpected ending, nothing left on the heap, running or on disk.
 * Renders the report. Immutable.
 */
public record SoakVerdict(List<SoakSample> samples, double warmUpSeconds, SoakTally tally, List<String> leftovers,
                   double seconds) {

    /** The growth over the sampled window each metric may show: an absolute floor or a share of its mean. */
    static String tolerance(int metric) {
        return switch (metric) {
            case 0, 1 -> "8 MiB or 10 % of the mean";
            case 2 -> "32 or 20 % of the mean";
            case 3 -> "4";
            case 4 -> "2";
            default -> "16 or 50 % of the mean (closed sessions wait out their 2 s linger, so the count follows the"
                    + " session rate; a leak keeps all of them, and none may be left once the clients are gone)";
        };
    }

    static double allowed(int metric, double mean) {
        return switch (metric) {
            case 0, 1 -> Math.max(8 << 20, 0.10 * mean);
            case 2 -> Math.max(32, 0.20 * mean);
            case 3 -> 4;
            case 4 -> 2;
            default -> Math.max(16, 0.50 * mean);
        };
    }

    List<SoakSample> steady() {
        return samples.stream().filter(s -> s.seconds() >= warmUpSeconds).toList();
    }

    Trend trend(int metric) {
        return Trend.of(steady().stream().map(s -> new double[] {s.seconds(), s.metric(metric)}).toList());
    }

    double mean(int metric) {
        return steady().stream().mapToLong(s -> s.metric(metric)).average().orElse(0);
    }

    /** Why it failed; empty when it passed. */
    public List<String> failures() {
        List<String> failures = new ArrayList<>();
        if (steady().size() < 3) {
            failures.add("only %d samples after the warm-up; at least 3 are needed".formatted(steady().size()));
        }
        for (int m = 0; m < SoakSample.NAMES.length; m++) {
            double growth = trend(m).growth();
            if (growth > allowed(m, mean(m))) {
                failures.add("%s grew %.0f over the window (allowed %s)".formatted(SoakSample.NAMES[m], growth,
                        tolerance(m)));
            }
        }
        if (tally.errors.get() > 0) {
            failures.add(tally.errors.get() + " corrupted, lost or unexpected endings; first: " + tally.firstError());
        }
        failures.addAll(leftovers);
        return failures;
    }

    public long kills() {
        return tally.kills.get();
    }

    public long cut() {
        return tally.cut.get();
    }

    /** Adds this run's numbers to a reliability record. */
    public void measure(io.sluice.it.harness.Observed observed) {
        observed.measured("length", "%.0f s, %d samples".formatted(seconds, samples.size()));
        for (int m = 0; m < SoakSample.NAMES.length; m++) {
            observed.measured(SoakSample.NAMES[m], "mean %.0f, growth %.0f".formatted(mean(m), trend(m).growth()));
        }
        observed.measured("load", "%d sessions, %d round trips, %d streams, %d churned, %d bytes verified"
                .formatted(tally.sessions.get(), tally.roundTrips.get(), tally.streams.get(), tally.churned.get(),
                        tally.bytesVerified.get()))
                .measured("kills", "%d, %d sessions cut, %d refused while a key restarted".formatted(tally.kills.get(),
                        tally.cut.get(), tally.refused.get()));
    }

    /** The report in Markdown: trends, every sample, the load's counts, the verdict. */
    public String report() {
        StringBuilder r = new StringBuilder("# Soak report\n\n");
        r.append("%.0f s of mixed load; samples every %.0f s; warm-up %.0f s not judged.%n%n".formatted(seconds,
                samples.size() < 2 ? 0 : samples.get(1).seconds() - samples.get(0).seconds(), warmUpSeconds));
        r.append("| metric | mean | growth over the window (least squares) | allowed |\n|---|---|---|---|\n");
        for (int m = 0; m < SoakSample.NAMES.length; m++) {
            r.append("| %s | %.0f | %.0f | %s |%n".formatted(SoakSample.NAMES[m], mean(m), trend(m).growth(),
                    tolerance(m)));
        }
        r.append("\n| seconds | heap | direct | fds | threads | children | sessions |\n|---|---|---|---|---|---|---|\n");
        for (SoakSample s : samples) {
            r.append("| %.0f | %d | %d | %d | %d | %d | %d |%n".formatted(s.seconds(), s.heap(), s.direct(), s.fds(),
                    s.threads(), s.children(), s.sessions()));
        }
        r.append("\nSessions %d, round trips %d, streams %d, churned %d, bytes verified %d; worker kills %d, sessions"
                .formatted(tally.sessions.get(), tally.roundTrips.get(), tally.streams.get(), tally.churned.get(),
                        tally.bytesVerified.get(), tally.kills.get()))
                .append(" cut by them %d, refused while a key's worker restarted %d; errors %d.%n"
                        .formatted(tally.cut.get(), tally.refused.get(), tally.errors.get()));
        List<String> failures = failures();
        r.append(failures.isEmpty() ? "\nPASS\n" : "\nFAIL\n\n- " + String.join("\n- ", failures) + "\n");
        return r.toString();
    }
}
