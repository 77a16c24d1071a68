package io.sluice.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.testsupport.ImportRules;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The tunnel never sees a process (STYLE §2.2): only {@code cli} wires the Supervisor, only {@code config} and
 * {@code cli} build spawner specs, {@code server} and {@code session} know the spawner only through the registry
 * contract and {@code BackendAddress}, and the frame codec knows no sessions. One row per package as its
 * {@code package-info.java} states it, checked on import lines, so a violation names its file; no cycle between
 * packages.
 */
class ImportBoundaryTest {
    private static final String TUNNEL = "io.sluice.tunnel";
    private static final String SPAWNER = "io.sluice.spawner";
    private static final ImportRules RULES = ImportRules.forSources(Path.of("src/main/java"))
            .allow(TUNNEL + ".cli", SPAWNER + ".Supervisor", SPAWNER + ".MonotonicClock", SPAWNER + ".spec",
                    SPAWNER + ".status", TUNNEL + ".accesslog", TUNNEL + ".admin", TUNNEL + ".config", TUNNEL + ".json",
                    TUNNEL + ".lighttpd", TUNNEL + ".metrics", TUNNEL + ".server", TUNNEL + ".session", "picocli",
                    "ch.qos.logback", "sun.misc.Signal")
            .allow(TUNNEL + ".admin", "io.netty", SPAWNER + ".status", TUNNEL + ".config", TUNNEL + ".json",
                    TUNNEL + ".server", TUNNEL + ".session")
            .allow(TUNNEL + ".json")
            .allow(TUNNEL + ".accesslog", TUNNEL + ".config", TUNNEL + ".json", TUNNEL + ".session")
            .allow(TUNNEL + ".metrics", "io.micrometer", "io.netty.util.concurrent", SPAWNER + ".status",
                    TUNNEL + ".config", TUNNEL + ".session")
            .allow(TUNNEL + ".config", SPAWNER + ".spec", "org.yaml.snakeyaml")
            .allow(TUNNEL + ".server", "io.netty", SPAWNER + ".registry", SPAWNER + ".spec.BackendAddress",
                    TUNNEL + ".cgi", TUNNEL + ".config", TUNNEL + ".frame", TUNNEL + ".session", TUNNEL + ".stdio",
                    TUNNEL + ".tls", "jdk.net")
            .allow(TUNNEL + ".session", "io.netty", SPAWNER + ".registry", SPAWNER + ".spec.BackendAddress",
                    TUNNEL + ".frame", TUNNEL + ".tls")
            // TLS: the SSL context from the config's TLS records, and a client's handshake facts.
            .allow(TUNNEL + ".tls", "io.netty", TUNNEL + ".config")
            .allow(TUNNEL + ".frame", "io.netty")
            // Per-connection programs: channels over a handed-over fd, and the CGI environment from request facts.
            .allow(TUNNEL + ".stdio", "io.netty")
            .allow(TUNNEL + ".cgi", "io.netty", TUNNEL + ".tls")
            // import-lighttpd: text in, text out; the CLI checks the result with the real loader.
            .allow(TUNNEL + ".lighttpd");

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
