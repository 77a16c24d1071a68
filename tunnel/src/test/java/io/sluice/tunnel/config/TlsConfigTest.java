package io.sluice.tunnel.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.testsupport.tls.TestCertificates;
import io.sluice.testsupport.tls.TestCertificates.Issued;
import io.sluice.testsupport.tls.TestCertificates.KeyKind;
import io.sluice.testsupport.tls.TestCertificates.Use;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code server.tls} that loads: RSA and EC keys, a chain, a CA with client-auth, relative paths; and the
 * certificate dates, which warn (located, with the date) instead of stopping the server. The errors are
 * config/invalid/tls-*.
 */
class TlsConfigTest {
    private static final Issued ROOT = TestCertificates.ca("Config root", KeyKind.RSA);
    private static final Issued INTERMEDIATE = TestCertificates.issue(ROOT, "Config intermediate", KeyKind.RSA,
            Use.CA);

    @TempDir
    Path dir;

    private SluiceConfig load(String tls) throws Exception {
        return ConfigLoader.parse("""
                server:
                  tls: %s
                wstunnel:
                  server:
                    "/echo/": [ { socket: echo.sock } ]
                """.formatted(tls), dir.resolve("sluice.yaml"));
    }

    @Test
    void readsAnEcKeyAndAChainLeafFirstWithPathsRelativeToTheConfig() throws Exception {
        Issued leaf = TestCertificates.issue(INTERMEDIATE, "localhost", KeyKind.EC, Use.SERVER);
        Files.createDirectories(dir.resolve("certs"));
        TestCertificates.writeChain(dir.resolve("certs/chain.pem"), leaf, INTERMEDIATE);
        TestCertificates.writeKey(dir.resolve("certs/key.pem"), leaf);

        TlsOptions tls = load("{ certificate: certs/chain.pem, key: certs/key.pem }").server().tls();

        assertThat(tls.chain()).containsExactly(leaf.certificate(), INTERMEDIATE.certificate());
        assertThat(tls.key().getAlgorithm()).isEqualTo("EC");
        assertThat(tls.clientAuth()).isEqualTo(ClientAuth.NONE);
        assertThat(tls.protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(tls.warnings()).isEmpty();
        assertThat(tls.toString()).doesNotContain("PRIVATE").contains("certs/key.pem");
    }

    @Test
    void readsAnRsaKeyAndACaForRequiredClientCertificates() throws Exception {
        Issued leaf = TestCertificates.issue(ROOT, "localhost", KeyKind.RSA, Use.SERVER);
        Issued clients = TestCertificates.ca("Clients", KeyKind.EC);
        TestCertificates.writeChain(dir.resolve("cert.pem"), leaf);
        TestCertificates.writeKey(dir.resolve("key.pem"), leaf);
        TestCertificates.writeChain(dir.resolve("ca.pem"), clients);

        TlsOptions tls = load("{ certificate: cert.pem, key: key.pem, ca: ca.pem, client-auth: require, "
                + "protocols: [TLSv1.3] }").server().tls();

        assertThat(tls.key().getAlgorithm()).isEqualTo("RSA");
        assertThat(tls.trusted()).containsExactly(clients.certificate());
        assertThat(tls.clientAuth()).isEqualTo(ClientAuth.REQUIRE);
        assertThat(tls.protocols()).containsExactly("TLSv1.3");
    }

    @Test
    void anExpiredCertificateLoadsWithALocatedWarningThatGivesTheDate() throws Exception {
        Instant notAfter = Instant.now().minus(Duration.ofDays(3)).truncatedTo(ChronoUnit.SECONDS);
        Issued leaf = TestCertificates.issue(ROOT, "old", KeyKind.EC, Use.SERVER,
                notAfter.minus(Duration.ofDays(90)), notAfter);
        TestCertificates.writeChain(dir.resolve("cert.pem"), leaf);
        TestCertificates.writeKey(dir.resolve("key.pem"), leaf);

        TlsOptions tls = load("{ certificate: cert.pem, key: key.pem }").server().tls();

        assertThat(tls.warnings()).singleElement().extracting(ConfigProblem::format).isEqualTo(
                "%s:2:23: server.tls.certificate: the certificate CN=old,O=Sluice tests expired on %s; clients will "
                        .formatted(dir.resolve("sluice.yaml"), notAfter) + "refuse it");
    }

    @Test
    void aCertificateNotValidYetLoadsWithAWarningThatGivesTheDate() throws Exception {
        Instant notBefore = Instant.now().plus(Duration.ofDays(2)).truncatedTo(ChronoUnit.SECONDS);
        Issued leaf = TestCertificates.issue(ROOT, "early", KeyKind.RSA, Use.SERVER, notBefore,
                notBefore.plus(Duration.ofDays(90)));
        TestCertificates.writeChain(dir.resolve("cert.pem"), leaf);
        TestCertificates.writeKey(dir.resolve("key.pem"), leaf);

        TlsOptions tls = load("{ certificate: cert.pem, key: key.pem }").server().tls();

        assertThat(tls.warnings()).singleElement().extracting(ConfigProblem::format).asString()
                .contains("server.tls.certificate: the certificate CN=early,O=Sluice tests is not valid until "
                        + notBefore);
    }
}
