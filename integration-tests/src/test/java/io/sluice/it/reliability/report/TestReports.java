package io.sluice.it.reliability.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The surefire and failsafe XML reports of every module of this run ({@code <module>/target/surefire-reports} and
 * {@code failsafe-reports}): per test class, its test cases and whether each passed. Immutable after loading.
 */
final class TestReports {
    /** One test case: its method name (without parameters) and how it ended. */
    record TestCase(String method, String status) {
        boolean passed() {
            return status.equals("passed");
        }
    }

    private final Map<String, List<TestCase>> byClass = new LinkedHashMap<>();

    private TestReports() {
    }

    static TestReports load(Path repositoryRoot, List<String> modules) throws Exception {
        TestReports reports = new TestReports();
        for (String module : modules) {
            for (String kind : List.of("surefire-reports", "failsafe-reports")) {
                Path dir = repositoryRoot.resolve(module).resolve("target").resolve(kind);
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path file : files.filter(p -> p.getFileName().toString().startsWith("TEST-")
                            && p.toString().endsWith(".xml")).sorted().toList()) {
                        reports.read(file);
                    }
                }
            }
        }
        return reports;
    }

    private void read(Path file) throws Exception {
        var factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        var document = factory.newDocumentBuilder().parse(file.toFile());
        NodeList cases = document.getElementsByTagName("testcase");
        for (int i = 0; i < cases.getLength(); i++) {
            Element testCase = (Element) cases.item(i);
            String name = testCase.getAttribute("name");
            int paren = name.indexOf('(');
            String method = paren < 0 ? name : name.substring(0, paren);
            String status = has(testCase, "failure") || has(testCase, "error") ? "failed"
                    : has(testCase, "skipped") ? "skipped" : "passed";
            byClass.computeIfAbsent(testCase.getAttribute("classname"), c -> new ArrayList<>())
                    .add(new TestCase(method, status));
        }
    }

    private static boolean has(Element testCase, String child) {
        return testCase.getElementsByTagName(child).getLength() > 0;
    }

    /** The cases of a class (fully qualified), empty when it did not run. */
    List<TestCase> of(String className) {
        return byClass.getOrDefault(className, List.of());
    }

    /** Classes whose name starts with {@code prefix} and ends with {@code suffix}, in report order. */
    List<String> classes(String prefix, String suffix) {
        return byClass.keySet().stream().filter(c -> c.startsWith(prefix) && c.endsWith(suffix)).toList();
    }
}
