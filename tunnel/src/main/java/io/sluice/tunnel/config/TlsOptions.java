package io.sluice.tunnel.config;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * {@code server.tls}: what the listener needs to speak wss, read and checked once when the config is loaded. Holds
 * the parsed material, not just the paths, so the server uses exactly what was checked (a reload reads the files
 * again). Immutable; validates itself in option terms.
 *
 * @param certificateFile {@code certificate}: the PEM file of the server's chain, leaf first
 * @param keyFile         {@code key}: the PEM file of the leaf's private key (PKCS#8, unencrypted)
 * @param caFile          {@code ca}: the PEM file of the CAs that sign client certificates; null without one
 * @param clientAuth      {@code client-auth}
 * @param protocols       {@code protocols}, in preference order: TLSv1.3 and/or TLSv1.2
 * @param chain           the certificates of {@code certificateFile}, leaf first
 * @param key             the key of {@code keyFile}; its public half is the leaf's
 * @param trusted         the certificates of {@code caFile}; empty without one
 * @param warnings        what the load found worth a WARN (a certificate expired or not valid yet), located
 */
public record TlsOptions(
        Path certificateFile,
        Path keyFile,
        Path caFile,
        ClientAuth clientAuth,
        List<String> protocols,
        List<X509Certificate> chain,
        PrivateKey key,
        List<X509Certificate> trusted,
        List<ConfigProblem> warnings) {

    /** The only versions Sluice speaks; everything older has known weaknesses (RFC 8996). */
    public static final List<String> SUPPORTED_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    public TlsOptions {
        Objects.requireNonNull(certificateFile, "certificateFile");
        Objects.requireNonNull(keyFile, "keyFile");
        Objects.requireNonNull(clientAuth, "clientAuth");
        Objects.requireNonNull(key, "key");
        protocols = List.copyOf(protocols);
        chain = List.copyOf(chain);
        trusted = List.copyOf(trusted);
        warnings = List.copyOf(warnings);
        Violations v = new Violations();
        if (chain.isEmpty()) {
            v.add("certificate", "holds no certificate", null);
        } else if (!matches(key, chain.get(0).getPublicKey())) {
            v.add("key", "does not match the certificate (%s): it is the key of another certificate"
                    .formatted(chain.get(0).getSubjectX500Principal().getName()),
                    "the private key of the first certificate in " + certificateFile.getFileName());
        }
        if (clientAuth != ClientAuth.NONE && trusted.isEmpty()) {
            v.add("client-auth", "'%s' needs ca: the certificates that sign the clients' certificates"
                    .formatted(clientAuth.configName()), null);
        }
        if (clientAuth == ClientAuth.NONE && caFile != null) {
            v.add("ca", "is used only to check client certificates, and client-auth is none",
                    "client-auth: optional or require with ca, or no ca");
        }
        checkProtocols(v, protocols);
        v.throwIfAny();
    }

    private static void checkProtocols(Violations v, List<String> protocols) {
        if (protocols.isEmpty()) {
            v.add("protocols", "needs at least one protocol", String.join(", ", SUPPORTED_PROTOCOLS));
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < protocols.size(); i++) {
            String p = protocols.get(i);
            if (!SUPPORTED_PROTOCOLS.contains(p)) {
                v.add("protocols[%d]".formatted(i), "'%s' is not a protocol Sluice speaks".formatted(p)
                        + (p.startsWith("TLSv1") || p.startsWith("SSL") ? " (too old to be safe)" : ""),
                        String.join(", ", SUPPORTED_PROTOCOLS));
            } else if (!seen.add(p)) {
                v.add("protocols[%d]".formatted(i), "'%s' is listed twice".formatted(p), null);
            }
        }
    }

    /**
     * Whether {@code key} is the private half of {@code publicKey}: a signature made with one verifies with the
     * other. Works for every algorithm without looking into key internals.
     */
    static boolean matches(PrivateKey key, PublicKey publicKey) {
        if (!key.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return false;
        }
        String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        try {
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /**
     * The certificates of the chain and of {@code ca} that are expired or not valid yet at {@code now}, in words
     * with the date ("... expired on 2024-01-31T23:59:59Z"). Empty when all are valid.
     */
    public static List<String> validityProblems(List<X509Certificate> certificates, Instant now) {
        List<String> problems = new ArrayList<>();
        for (X509Certificate c : certificates) {
            String who = c.getSubjectX500Principal().getName();
            if (now.isAfter(c.getNotAfter().toInstant())) {
                problems.add("the certificate %s expired on %s; clients will refuse it".formatted(who,
                        c.getNotAfter().toInstant()));
            } else if (now.isBefore(c.getNotBefore().toInstant())) {
                problems.add("the certificate %s is not valid until %s; clients will refuse it until then"
                        .formatted(who, c.getNotBefore().toInstant()));
            }
        }
        return problems;
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "TlsOptions[certificate=%s, key=%s, ca=%s, client-auth=%s, protocols=%s]".formatted(certificateFile,
                keyFile, caFile, clientAuth.configName(), protocols);
    }
}
