package io.sluice.tunnel.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files of {@code server.tls} with the JDK alone: X.509 certificates (a chain or a CA bundle, in file
 * order) and one unencrypted PKCS#8 private key (RSA or EC). Each failure is a {@link PemException} whose message
 * says what is wrong with the file and how to fix it, without the path (the caller names the option). Stateless.
 */
final class PemFiles {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");
    private static final String TO_PKCS8 = "convert it with: openssl pkcs8 -topk8 -nocrypt -in OLD.pem -out NEW.pem";
    /** Key algorithms tried in turn: the key's own PKCS#8 header names it, but KeyFactory wants it beforehand. */
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC");

    private PemFiles() {
    }

    /** A file's content cannot be used; the message is for the user. */
    static final class PemException extends Exception {
        private static final long serialVersionUID = 1L;

        PemException(String message) {
            super(message);
        }
    }

    /** Every certificate in the file, in order; at least one. */
    static List<X509Certificate> certificates(Path file) throws PemException {
        List<byte[]> blocks = blocks(read(file), "CERTIFICATE");
        if (blocks.isEmpty()) {
            throw new PemException("no certificate in it; expected PEM text with -----BEGIN CERTIFICATE-----");
        }
        List<X509Certificate> certificates = new ArrayList<>(blocks.size());
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (int i = 0; i < blocks.size(); i++) {
                try {
                    certificates.add((X509Certificate) factory.generateCertificate(
                            new ByteArrayInputStream(blocks.get(i))));
                } catch (CertificateException e) {
                    throw new PemException("certificate %d of %d is not a valid X.509 certificate (%s)"
                            .formatted(i + 1, blocks.size(), e.getMessage()));
                }
            }
        } catch (CertificateException e) {
            throw new IllegalStateException("every JDK has an X.509 certificate factory", e);
        }
        return certificates;
    }

    /** The one private key in the file. */
    static PrivateKey privateKey(Path file) throws PemException {
        String text = read(file);
        List<byte[]> keys = blocks(text, "PRIVATE KEY");
        if (keys.isEmpty()) {
            throw new PemException(wrongKeyKind(text));
        }
        if (keys.size() > 1) {
            throw new PemException("it holds %d private keys; give exactly one".formatted(keys.size()));
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(keys.get(0));
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // not this algorithm: try the next
            }
        }
        throw new PemException("the PKCS#8 private key is not an RSA or EC key this JVM can read");
    }

    private static String wrongKeyKind(String text) {
        if (!blocks(text, "ENCRYPTED PRIVATE KEY").isEmpty()) {
            return "the private key is encrypted; Sluice reads unencrypted keys only (keep the file readable by "
                    + "Sluice's user alone): " + TO_PKCS8;
        }
        for (String legacy : List.of("RSA PRIVATE KEY", "EC PRIVATE KEY")) {
            if (!blocks(text, legacy).isEmpty()) {
                return "the key is in the old %s format (-----BEGIN %s-----); PKCS#8 is needed: %s"
                        .formatted(legacy.startsWith("RSA") ? "PKCS#1" : "SEC1", legacy, TO_PKCS8);
            }
        }
        if (!blocks(text, "CERTIFICATE").isEmpty()) {
            return "it holds a certificate, not a private key; expected -----BEGIN PRIVATE KEY-----";
        }
        return "no private key in it; expected PEM text with -----BEGIN PRIVATE KEY----- (PKCS#8)";
    }

    private static String read(Path file) throws PemException {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new PemException("cannot read it: no such file");
        } catch (AccessDeniedException e) {
            throw new PemException("cannot read it: permission denied (it must be readable by Sluice's user)");
        } catch (IOException e) {
            throw new PemException("cannot read it: " + e.getMessage());
        }
    }

    /** The decoded bodies of the blocks labelled exactly {@code label}, in file order. */
    private static List<byte[]> blocks(String text, String label) {
        List<byte[]> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            if (m.group(1).equals(label)) {
                try {
                    blocks.add(Base64.getMimeDecoder().decode(m.group(2)));
                } catch (IllegalArgumentException e) {
                    blocks.add(new byte[0]); // the parser then says what is wrong with it
                }
            }
        }
        return blocks;
    }
}
