package io.sluice.testsupport.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made in the test that needs them (Bouncy Castle): CAs, intermediates, server certificates for
 * {@code localhost} and {@code 127.0.0.1}, client certificates, RSA or EC keys, any validity window; PEM files
 * as {@code server.tls} reads them, and JDK {@link SSLContext}s that trust a CA or present a client certificate.
 * Stateless apart from the serial counter.
 */
public final class TestCertificates {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] NO_PASSWORD = new char[0];

    /** Key algorithms for test certificates. */
    public enum KeyKind { RSA, EC }

    /** What a certificate is for. */
    public enum Use { CA, SERVER, CLIENT }

    /** A certificate with its key pair. */
    public record Issued(X509Certificate certificate, KeyPair keys) {
        public PrivateKey privateKey() {
            return keys.getPrivate();
        }
    }

    private TestCertificates() {
    }

    /** A self-signed CA, valid from an hour ago for a year. */
    public static Issued ca(String commonName, KeyKind kind) {
        return issue(null, commonName, kind, Use.CA, Instant.now().minus(Duration.ofHours(1)),
                Instant.now().plus(Duration.ofDays(365)));
    }

    /** A certificate signed by {@code issuer}, valid from an hour ago for a year. */
    public static Issued issue(Issued issuer, String commonName, KeyKind kind, Use use) {
        return issue(issuer, commonName, kind, use, Instant.now().minus(Duration.ofHours(1)),
                Instant.now().plus(Duration.ofDays(365)));
    }

    /** A certificate signed by {@code issuer} (self-signed when null), valid from notBefore to notAfter. */
    public static Issued issue(Issued issuer, String commonName, KeyKind kind, Use use, Instant notBefore,
                               Instant notAfter) {
        try {
            KeyPair keys = keyPair(kind);
            X500Principal subject = new X500Principal("CN=" + commonName + ",O=Sluice tests");
            X500Principal issuerName = issuer == null ? subject : issuer.certificate().getSubjectX500Principal();
            KeyPair signer = issuer == null ? keys : issuer.keys();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName,
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore), Date.from(notAfter), subject,
                    keys.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    ext.createSubjectKeyIdentifier(keys.getPublic()));
            if (issuer != null) {
                builder.addExtension(Extension.authorityKeyIdentifier, false,
                        ext.createAuthorityKeyIdentifier(issuer.certificate()));
            }
            switch (use) {
                case CA -> {
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                    builder.addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
                }
                case SERVER -> {
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                    builder.addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
                    builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                            new GeneralName(GeneralName.dNSName, "localhost"),
                            new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
                }
                case CLIENT -> {
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                    builder.addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
                }
            }
            String algorithm = signer.getPrivate().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(algorithm).build(signer.getPrivate())));
            return new Issued(certificate, keys);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make a test certificate for " + commonName, e);
        }
    }

    private static KeyPair keyPair(KeyKind kind) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(kind.name());
        if (kind == KeyKind.EC) {
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        } else {
            generator.initialize(2048, RANDOM);
        }
        return generator.generateKeyPair();
    }

    /** PEM text of certificates, in the order given. */
    public static String pem(X509Certificate... certificates) {
        StringBuilder text = new StringBuilder();
        try {
            for (X509Certificate c : certificates) {
                text.append(block("CERTIFICATE", c.getEncoded()));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return text.toString();
    }

    /** PEM text of a private key as PKCS#8 ({@code BEGIN PRIVATE KEY}). */
    public static String pem(PrivateKey key) {
        return block("PRIVATE KEY", key.getEncoded());
    }

    private static String block(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }

    /** Writes {@code chain} (leaf first) to {@code file} as PEM; returns the file. */
    public static Path writeChain(Path file, Issued... chain) throws IOException {
        X509Certificate[] certificates = new X509Certificate[chain.length];
        for (int i = 0; i < chain.length; i++) {
            certificates[i] = chain[i].certificate();
        }
        return Files.writeString(file, pem(certificates));
    }

    /** Writes {@code issued}'s private key to {@code file} as PKCS#8 PEM; returns the file. */
    public static Path writeKey(Path file, Issued issued) throws IOException {
        return Files.writeString(file, pem(issued.privateKey()));
    }

    /** A JDK client context that trusts {@code ca} only and shows {@code client} (null: no client certificate). */
    public static SSLContext clientContext(Issued ca, Issued client, Issued... clientChain) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca.certificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            if (client != null) {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                X509Certificate[] chain = new X509Certificate[1 + clientChain.length];
                chain[0] = client.certificate();
                for (int i = 0; i < clientChain.length; i++) {
                    chain[i + 1] = clientChain[i].certificate();
                }
                keys.setKeyEntry("client", client.privateKey(), NO_PASSWORD, chain);
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, NO_PASSWORD);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), RANDOM);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot make a client SSL context", e);
        }
    }
}
