package io.sluice.tunnel.config;

import io.sluice.spawner.spec.InvalidOptionException;
import io.sluice.tunnel.config.ConfigOption.Place;
import io.sluice.tunnel.config.PemFiles.PemException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads {@code server.tls} into {@link TlsOptions}: the options, and the PEM files they name, each failure located
 * at the option that names the file. A certificate that is expired or not valid yet is a warning, not an error: the
 * server still starts (a renewal may be on its way), and says so. Confined to the loading thread.
 */
final class TlsReader {
    private final Path baseDir;
    private final Problems problems;

    TlsReader(Path baseDir, Problems problems) {
        this.baseDir = baseDir;
        this.problems = problems;
    }

    /** The options, or null when they have problems (all reported). */
    TlsOptions read(Node node, String path) {
        Fields f = Fields.of(node, path, false, "a mapping of TLS options (certificate, key, ...)", problems);
        if (f == null) {
            return null;
        }
        int before = problems.count();
        OptionKeys.check(f, Place.TLS, problems);
        Path certificateFile = file(f, "certificate", "the server's certificate chain, leaf first");
        Path keyFile = file(f, "key", "the certificate's private key");
        Path caFile = f.has("ca") ? file(f, "ca", null) : null;
        List<X509Certificate> chain = certificateFile == null ? List.of() : certificates(f, "certificate",
                certificateFile);
        PrivateKey key = keyFile == null ? null : key(f, keyFile);
        List<X509Certificate> trusted = caFile == null ? List.of() : certificates(f, "ca", caFile);
        ClientAuth clientAuth = clientAuth(f);
        List<String> protocols = f.has("protocols")
                ? Values.strings(f.value("protocols"), f.pathOf("protocols"), problems)
                : TlsOptions.SUPPORTED_PROTOCOLS;
        if (problems.count() != before) {
            return null;
        }
        try {
            return new TlsOptions(certificateFile, keyFile, caFile, clientAuth, protocols, chain, key, trusted,
                    warnings(f, chain, trusted));
        } catch (InvalidOptionException e) {
            problems.add(e, option -> f.spot(option) != null ? f.spot(option) : f.missing(option));
            return null;
        }
    }

    private Path file(Fields f, String option, String whatIfMissing) {
        if (!f.has(option)) {
            problems.add(f.node(), f.pathOf(option), "required: the PEM file of " + whatIfMissing);
            return null;
        }
        String text = Values.string(f.value(option), f.pathOf(option), problems);
        return text == null ? null : baseDir.resolve(text).normalize();
    }

    private List<X509Certificate> certificates(Fields f, String option, Path file) {
        try {
            return PemFiles.certificates(file);
        } catch (PemException e) {
            report(f, option, e);
            return List.of();
        }
    }

    private PrivateKey key(Fields f, Path file) {
        try {
            return PemFiles.privateKey(file);
        } catch (PemException e) {
            report(f, "key", e);
            return null;
        }
    }

    /** Names the file as written in the config, so the message reads the same wherever the config lives. */
    private void report(Fields f, String option, PemException e) {
        String written = f.value(option) instanceof ScalarNode s ? s.getValue() : "";
        problems.add(f.value(option), f.pathOf(option), "'%s': %s".formatted(written, e.getMessage()));
    }

    private ClientAuth clientAuth(Fields f) {
        if (!f.has("client-auth")) {
            return ClientAuth.NONE;
        }
        String text = Values.string(f.value("client-auth"), f.pathOf("client-auth"), problems);
        if (text == null) {
            return ClientAuth.NONE;
        }
        ClientAuth mode = ClientAuth.fromConfig(text).orElse(null);
        if (mode == null) {
            problems.add(f.value("client-auth"), f.pathOf("client-auth"),
                    "'%s' is not a client-auth mode".formatted(text), ClientAuth.ALLOWED, null);
            return ClientAuth.NONE;
        }
        return mode;
    }

    private List<ConfigProblem> warnings(Fields f, List<X509Certificate> chain, List<X509Certificate> trusted) {
        Instant now = Instant.now();
        List<ConfigProblem> warnings = new ArrayList<>();
        for (String text : TlsOptions.validityProblems(chain, now)) {
            warnings.add(located(f, "certificate", text));
        }
        for (String text : TlsOptions.validityProblems(trusted, now)) {
            warnings.add(located(f, "ca", text));
        }
        return warnings;
    }

    private ConfigProblem located(Fields f, String option, String text) {
        Node node = f.value(option);
        return new ConfigProblem(problems.file(), node.getStartMark().getLine() + 1,
                node.getStartMark().getColumn() + 1, f.pathOf(option), text, null, null);
    }
}
