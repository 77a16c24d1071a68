package io.sluice.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A module's package boundaries as one table: for each package of its main sources, what its {@code import} lines
 * may name besides the JDK, SLF4J and the package itself. {@link #violations()} checks every import line against the
 * table, {@link #ruleCycle()} and {@link #importCycle()} find a dependency cycle between the module's packages (in
 * what the table allows, and in what the sources really import), and {@link #packagesWithoutRule()} makes a new
 * package get a rule before it gets code. An entry names a package or a class; it also covers everything inside it.
 * Built once per test class, then read-only.
 */
public final class ImportRules {
    private static final List<String> ALWAYS_ALLOWED = List.of("java", "javax", "org.slf4j");

    private final Path sources;
    private final Map<String, Set<Path>> packages;
    private final Map<String, List<String>> rules = new LinkedHashMap<>();

    private ImportRules(Path sources) {
        this.sources = sources;
        this.packages = findPackages(sources);
    }

    /** The rules for the main sources under {@code sources} (e.g. {@code src/main/java}); none allowed yet. */
    public static ImportRules forSources(Path sources) {
        return new ImportRules(sources);
    }

    /** Allows {@code packageName} to import what the entries name (packages or classes, fully qualified). */
    public ImportRules allow(String packageName, String... entries) {
        rules.put(packageName, List.of(entries));
        return this;
    }

    /** Every package that has sources, by name. */
    public Set<String> packages() {
        return packages.keySet();
    }

    /** Packages with sources but no rule, and rules for packages that have no sources. */
    public List<String> packagesWithoutRule() {
        List<String> problems = new ArrayList<>();
        packages.keySet().stream().filter(p -> !rules.containsKey(p)).forEach(p -> problems.add(p + ": no rule"));
        rules.keySet().stream().filter(p -> !packages.containsKey(p)).forEach(p -> problems.add(p + ": no sources"));
        return problems;
    }

    /** Packages whose folder has no {@code package-info.java} (where the rule is written down in words). */
    public List<String> packagesWithoutPackageInfo() {
        return packages.entrySet().stream()
                .filter(e -> e.getValue().stream().noneMatch(f -> f.getFileName().toString().equals("package-info.java")))
                .map(Map.Entry::getKey).toList();
    }

    /** Every import line the table does not allow, as "file: import …; (package may import: …)". */
    public List<String> violations() {
        List<String> violations = new ArrayList<>();
        packages.forEach((pkg, files) -> {
            List<String> allowed = rules.getOrDefault(pkg, List.of());
            for (Path file : files) {
                for (String target : importTargets(file)) {
                    if (!isOwn(pkg, target) && !covers(ALWAYS_ALLOWED, target) && !covers(allowed, target)) {
                        violations.add("%s: import %s; (%s may import: %s)".formatted(sources.relativize(file),
                                target, pkg, allowed.isEmpty() ? "nothing else" : String.join(", ", allowed)));
                    }
                }
            }
        });
        return violations;
    }

    /** A cycle between the module's packages in what the table allows ("a -> b -> a"), or empty when none. */
    public List<String> ruleCycle() {
        Map<String, Set<String>> graph = new TreeMap<>();
        rules.forEach((pkg, entries) -> graph.put(pkg, modulePackagesOf(pkg, entries)));
        return Cycles.find(graph);
    }

    /** A cycle between the module's packages in what the sources import, or empty when none. */
    public List<String> importCycle() {
        Map<String, Set<String>> graph = new TreeMap<>();
        packages.forEach((pkg, files) -> graph.put(pkg,
                modulePackagesOf(pkg, files.stream().flatMap(f -> importTargets(f).stream()).toList())));
        return Cycles.find(graph);
    }

    private Set<String> modulePackagesOf(String from, List<String> names) {
        Set<String> targets = new LinkedHashSet<>();
        for (String name : names) {
            String target = modulePackageOf(name);
            if (target != null && !target.equals(from)) {
                targets.add(target);
            }
        }
        return targets;
    }

    /** The longest module package that {@code name} is or lies in, or null (another module, a library). */
    private String modulePackageOf(String name) {
        String best = null;
        for (String pkg : packages.keySet()) {
            if ((name.equals(pkg) || name.startsWith(pkg + ".")) && (best == null || pkg.length() > best.length())) {
                best = pkg;
            }
        }
        return best;
    }

    private boolean isOwn(String pkg, String target) {
        return pkg.equals(modulePackageOf(target));
    }

    private static boolean covers(List<String> entries, String target) {
        return entries.stream().anyMatch(e -> target.equals(e) || target.startsWith(e + "."));
    }

    private static List<String> importTargets(Path file) {
        try {
            return Files.readAllLines(file).stream().filter(l -> l.startsWith("import "))
                    .map(l -> l.substring("import ".length()).replaceFirst("^static ", "").replace(";", "").trim())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Set<Path>> findPackages(Path sources) {
        Map<String, Set<Path>> packages = new TreeMap<>();
        try (Stream<Path> files = Files.walk(sources)) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
                String pkg = sources.relativize(f.getParent()).toString().replace('/', '.');
                packages.computeIfAbsent(pkg, p -> new LinkedHashSet<>()).add(f);
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return packages;
    }
}
