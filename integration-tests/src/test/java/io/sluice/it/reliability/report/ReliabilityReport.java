package io.sluice.it.reliability.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Renders docs/reliability.md from the run's results: the records the reliability tests wrote
 * ({@code integration-tests/target/reliability/*.json}) and the modules' test reports. Run by Maven after the
 * integration tests ({@code exec:java} in the {@code verify} phase) as
 * {@code ReliabilityReport MODE REPOSITORY_ROOT [SKIP_TESTS]}: {@code write} rewrites the document; {@code check} (the default)
 * fails when a row of a case that ran in this run differs from the committed document (the measured column
 * excepted), so the document cannot drift from what the suite observes; {@code off} does nothing.
 */
public final class ReliabilityReport {
    private static final List<String> MODULES = List.of("spawner", "tunnel", "integration-tests");
    private static final Path DOC = Path.of("docs/reliability.md");

    private ReliabilityReport() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "check";
        Path root = Path.of(args.length > 1 ? args[1] : "..").toAbsolutePath().normalize();
        if (mode.equals("off") || args.length > 2 && args[2].equals("true")) {
            return; // off, or tests skipped (-DskipTests): nothing ran to render
        }
        List<CaseRecord> rows = rows(root);
        if (rows.stream().allMatch(r -> r.status().equals("not run"))) {
            System.out.println("reliability: no results in this run; docs/reliability.md not checked");
            return;
        }
        String rendered = ReliabilityDoc.render(rows, producedBy(root));
        Path doc = root.resolve(DOC);
        switch (mode) {
            case "write" -> {
                Files.writeString(doc, rendered, StandardCharsets.UTF_8);
                System.out.println("reliability: wrote " + doc + " (" + rows.size() + " cases)");
            }
            case "check" -> check(rows, doc);
            default -> throw new IllegalArgumentException("mode must be write, check or off, got " + mode);
        }
    }

    static List<CaseRecord> rows(Path root) throws Exception {
        Map<String, CaseRecord> byId = new LinkedHashMap<>();
        for (CaseRecord row : CaseRows.fromReports(TestReports.load(root, MODULES))) {
            byId.put(row.id(), row);
        }
        Path records = root.resolve("integration-tests/target/reliability");
        if (Files.isDirectory(records)) {
            try (Stream<Path> files = Files.list(records)) {
                for (Path file : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                    CaseRecord row = CaseRecord.read(file);
                    byId.put(row.id(), row);
                }
            }
        }
        return new ArrayList<>(byId.values());
    }

    /** Fails, listing them, when rows of cases that ran differ from the committed document. */
    static void check(List<CaseRecord> rows, Path doc) throws IOException {
        Map<String, String> committed = new LinkedHashMap<>();
        if (Files.exists(doc)) {
            for (String line : Files.readAllLines(doc, StandardCharsets.UTF_8)) {
                if (line.startsWith("| `")) {
                    committed.put(line.substring(3, line.indexOf('`', 3)), withoutMeasured(line));
                }
            }
        }
        List<String> problems = new ArrayList<>();
        for (CaseRecord row : rows) {
            if (row.status().equals("not run")) {
                continue;
            }
            String fresh = withoutMeasured(ReliabilityDoc.row(row));
            String old = committed.get(row.id());
            if (old == null) {
                problems.add("missing: " + fresh);
            } else if (!old.equals(fresh)) {
                problems.add("differs:\n  docs:  " + old + "\n  run:   " + fresh);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(("docs/reliability.md does not show what this run observed (%d rows); "
                    + "regenerate it after a full run with ./mvnw -o verify -Dreliability.mode=write%n%s")
                    .formatted(problems.size(), String.join("\n", problems)));
        }
        System.out.println("reliability: docs/reliability.md shows what this run observed ("
                + rows.stream().filter(r -> !r.status().equals("not run")).count() + " cases checked)");
    }

    /** The row without its last cell (measured values vary from run to run). */
    static String withoutMeasured(String row) {
        String trimmed = row.substring(0, row.length() - 1); // the closing '|'
        int last = trimmed.length();
        while (true) {
            last = trimmed.lastIndexOf('|', last - 1);
            if (last <= 0 || trimmed.charAt(last - 1) != '\\') {
                break;
            }
        }
        return trimmed.substring(0, last + 1);
    }

    private static String producedBy(Path root) {
        return "Produced by the run of %s at commit %s on %d cores, JDK %s, %s.".formatted(LocalDate.now(),
                commit(root), Runtime.getRuntime().availableProcessors(), Runtime.version(),
                System.getProperty("os.name") + " " + System.getProperty("os.version"));
    }

    private static String commit(Path root) {
        try {
            Process git = new ProcessBuilder("git", "-C", root.toString(), "rev-parse", "--short", "HEAD")
                    .redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return git.waitFor(10, TimeUnit.SECONDS) && git.exitValue() == 0 ? out : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
