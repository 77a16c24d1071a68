package io.sluice.it.reliability.report;

import io.sluice.it.harness.CaseFamily;
import io.sluice.it.reliability.report.TestReports.TestCase;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rows made from test reports: one per conformance section, one per property-test class, one per
 * {@link CitedEvidence} case. The outcome is the tests' behaviour sentences; the status is "held" when every case
 * passed, "failed" when one failed, "not run" when no report names them.
 */
final class CaseRows {
    private static final Map<String, String> SECTIONS = Map.of(
            "Framing", "1 Framing", "PingPong", "2 Pings and pongs", "ReservedBits", "3 Reserved bits",
            "Opcodes", "4 Opcodes", "Fragmentation", "5 Fragmentation", "Utf8", "6 UTF-8 handling",
            "Close", "7 Close handling", "Limits", "9 Limits and performance");

    private CaseRows() {
    }

    static List<CaseRecord> fromReports(TestReports reports) {
        List<CaseRecord> rows = new ArrayList<>();
        for (String className : reports.classes("io.sluice.it.conformance.", "ConformanceIT")) {
            String simple = className.substring(className.lastIndexOf('.') + 1);
            String section = simple.substring(0, simple.length() - "ConformanceIT".length());
            rows.add(row("conformance." + section.toLowerCase(), CaseFamily.CONFORMANCE,
                    "Autobahn section " + SECTIONS.getOrDefault(section, section), List.of(className), reports));
        }
        for (String className : reports.classes("io.sluice.tunnel.", "PropertyTest")) {
            String simple = className.substring(className.lastIndexOf('.') + 1);
            String subject = simple.substring(0, simple.length() - "PropertyTest".length());
            rows.add(row("property." + subject.toLowerCase(), CaseFamily.PROPERTIES,
                    "seeded random inputs to " + subject, List.of(className), reports));
        }
        for (CitedEvidence.Cited cited : CitedEvidence.ALL) {
            rows.add(row(cited.id(), cited.family(), cited.title(), cited.tests(), reports));
        }
        return rows;
    }

    private static CaseRecord row(String id, CaseFamily family, String title, List<String> tests,
                                  TestReports reports) {
        Map<String, Integer> sentences = new LinkedHashMap<>();
        List<String> evidence = new ArrayList<>();
        int ran = 0;
        int failed = 0;
        for (String test : tests) {
            int hash = test.indexOf('#');
            String className = hash < 0 ? test : test.substring(0, hash);
            String method = hash < 0 ? null : test.substring(hash + 1);
            List<TestCase> cases = reports.of(className).stream()
                    .filter(c -> method == null || c.method().equals(method)).toList();
            String simple = className.substring(className.lastIndexOf('.') + 1);
            evidence.add(method == null ? simple : simple + "#" + method);
            for (TestCase c : cases) {
                ran++;
                failed += c.passed() ? 0 : 1;
                if (!c.method().isEmpty()) { // a class-level failure has no method
                    sentences.merge(Humanized.sentence(c.method()), 1, Integer::sum);
                }
            }
        }
        String status = ran == 0 ? "not run" : failed > 0 ? "failed" : CaseRecord.HELD;
        List<String> parts = new ArrayList<>();
        sentences.forEach((sentence, n) -> parts.add(n == 1 ? sentence : sentence + " (" + n + " cases)"));
        String outcome = ran == 0 ? "" : ran + " test cases: " + String.join("; ", parts) + ".";
        return new CaseRecord(id, family, title, status, failed > 0 ? failed + " of " + ran + " failed" : null,
                String.join(", ", evidence), outcome, List.of(), List.of());
    }
}
