package io.sluice.spawner;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.testsupport.ImportRules;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The spawner's package boundaries (STYLE §2.2), one row per package as its {@code package-info.java} states them,
 * checked on the import lines of its sources: no Netty or HTTP anywhere, native calls only in {@code posix} and only
 * {@code process} uses it, the registry contract free of pools and processes, and no cycle between packages (spec →
 * balance → registry → spec was one, until {@code BalanceKind} moved into {@code spec}).
 */
class ImportBoundaryTest {
    private static final String ROOT = "io.sluice.spawner";
    private static final ImportRules RULES = ImportRules.forSources(Path.of("src/main/java"))
            .allow(ROOT, ROOT + ".pool", ROOT + ".process", ROOT + ".registry", ROOT + ".spec", ROOT + ".status")
            .allow(ROOT + ".spec")
            .allow(ROOT + ".registry", ROOT + ".spec")
            .allow(ROOT + ".balance", ROOT + ".registry", ROOT + ".spec")
            .allow(ROOT + ".pool", ROOT + ".balance", ROOT + ".process", ROOT + ".registry", ROOT + ".spec",
                    ROOT + ".status")
            .allow(ROOT + ".status")
            .allow(ROOT + ".process", ROOT + ".posix", ROOT + ".spec")
            .allow(ROOT + ".posix", "jnr");

    @Test
    void everyImportIsOneItsPackageMayMake() {
        assertThat(RULES.violations()).isEmpty();
    }

    @Test
    void noPackageDependsOnItselfThroughOthers() {
        assertThat(RULES.importCycle()).as("cycle in the imports").isEmpty();
        assertThat(RULES.ruleCycle()).as("cycle in the table").isEmpty();
    }

    @Test
    void everyPackageHasARuleAndAPackageInfo() {
        assertThat(RULES.packagesWithoutRule()).isEmpty();
        assertThat(RULES.packagesWithoutPackageInfo()).isEmpty();
    }
}
