package io.sluice.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The import table's checks on a small source tree written by the test, including the cycle the spawner had. */
class ImportRulesTest {
    @TempDir
    Path sources;

    private void source(String pkg, String name, String... imports) throws IOException {
        Path dir = Files.createDirectories(sources.resolve(pkg.replace('.', '/')));
        StringBuilder text = new StringBuilder("package " + pkg + ";\n\n");
        for (String i : imports) {
            text.append("import ").append(i).append(";\n");
        }
        text.append("\nfinal class ").append(name).append(" {\n}\n");
        Files.writeString(dir.resolve(name + ".java"), text);
    }

    @Test
    void findsTheSpecBalanceRegistryCycleInTheImportsAndNamesTheForbiddenLine() throws IOException {
        source("x.spec", "Group", "x.balance.Kind", "java.util.List");
        source("x.balance", "Kind", "x.registry.View", "org.slf4j.Logger");
        source("x.registry", "View", "x.spec.Address");
        source("x.spec", "Address");
        ImportRules rules = ImportRules.forSources(sources)
                .allow("x.spec")
                .allow("x.balance", "x.registry", "x.spec")
                .allow("x.registry", "x.spec");

        assertThat(rules.importCycle()).containsExactly("x.balance", "x.registry", "x.spec", "x.balance");
        assertThat(rules.ruleCycle()).isEmpty();
        assertThat(rules.violations()).containsExactly(
                "x/spec/Group.java: import x.balance.Kind; (x.spec may import: nothing else)");
        assertThat(rules.packagesWithoutRule()).isEmpty();
        assertThat(rules.packagesWithoutPackageInfo()).containsExactlyInAnyOrder("x.spec", "x.balance", "x.registry");
    }

    @Test
    void refusesATableThatWouldAllowACycleAndPackagesWithoutARule() throws IOException {
        source("y.a", "A");
        source("y.b", "B");
        source("y.c", "C", "y.a.A");
        ImportRules rules = ImportRules.forSources(sources)
                .allow("y.a", "y.b.B")
                .allow("y.b", "y.a")
                .allow("y.gone");

        assertThat(rules.ruleCycle()).containsExactly("y.a", "y.b", "y.a");
        assertThat(rules.packagesWithoutRule()).containsExactlyInAnyOrder("y.c: no rule", "y.gone: no sources");
        assertThat(rules.violations()).containsExactly("y/c/C.java: import y.a.A; (y.c may import: nothing else)");
    }

    @Test
    void findsASelfLoopAndNoCycleInAChain() {
        assertThat(Cycles.find(Map.of("a", Set.of("b"), "b", Set.of("c")))).isEmpty();
        assertThat(Cycles.find(Map.of("a", Set.of("a")))).containsExactly("a", "a");
    }

    @Test
    void aClassEntryDoesNotCoverItsSiblings() throws IOException {
        source("z.server", "S", "z.spec.BackendAddress", "z.spec.BackendSpec", "z.spec.BackendAddressing");
        source("z.spec", "BackendAddress");
        ImportRules rules = ImportRules.forSources(sources)
                .allow("z.server", "z.spec.BackendAddress")
                .allow("z.spec");

        assertThat(rules.violations()).containsExactly(
                "z/server/S.java: import z.spec.BackendSpec; (z.server may import: z.spec.BackendAddress)",
                "z/server/S.java: import z.spec.BackendAddressing; (z.server may import: z.spec.BackendAddress)");
    }
}
