package io.sluice.tunnel.tls;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.security.auth.x500.X500Principal;

/**
 * What a client's finished TLS handshake says about it, for what a backend may learn of its caller (the CGI
 * variables of a per-connection program, the PROXY v2 TLVs). Names are RFC 2253 strings ({@code CN=alice,O=Example});
 * the client fields are null when the client showed no certificate. A certificate that is here was verified against
 * {@code server.tls.ca} during the handshake (one that does not verify fails the handshake). Immutable.
 *
 * @param protocol   the negotiated version, e.g. {@code TLSv1.3}
 * @param cipher     the negotiated cipher suite, e.g. {@code TLS_AES_128_GCM_SHA256}
 * @param subject    the client certificate's subject, or null
 * @param commonName the subject's most specific CN, or null (no certificate, or no CN in it)
 * @param issuer     the client certificate's issuer, or null
 */
public record ClientTls(String protocol, String cipher, String subject, String commonName, String issuer) {

    public ClientTls {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(cipher, "cipher");
    }

    /** Whether the client showed a (verified) certificate. */
    public boolean hasCertificate() {
        return subject != null;
    }

    /**
     * The facts of the client connection {@code channel}, or null when it is not TLS (or its handshake is not
     * done). Call on the channel's event loop.
     */
    public static ClientTls of(Channel channel) {
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        if (ssl == null || !ssl.handshakeFuture().isSuccess()) {
            return null;
        }
        return of(ssl.engine().getSession());
    }

    static ClientTls of(SSLSession session) {
        X509Certificate client = clientCertificate(session);
        if (client == null) {
            return new ClientTls(session.getProtocol(), session.getCipherSuite(), null, null, null);
        }
        X500Principal subject = client.getSubjectX500Principal();
        return new ClientTls(session.getProtocol(), session.getCipherSuite(), subject.getName(X500Principal.RFC2253),
                commonName(subject), client.getIssuerX500Principal().getName(X500Principal.RFC2253));
    }

    private static X509Certificate clientCertificate(SSLSession session) {
        try {
            Certificate[] chain = session.getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x509 ? x509 : null;
        } catch (SSLPeerUnverifiedException e) {
            return null; // no client certificate: the usual case
        }
    }

    /** The most specific (leftmost) CN of a name, or null. */
    static String commonName(X500Principal name) {
        try {
            List<Rdn> rdns = new LdapName(name.getName(X500Principal.RFC2253)).getRdns();
            for (int i = rdns.size() - 1; i >= 0; i--) {
                if (rdns.get(i).getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(rdns.get(i).getValue());
                }
            }
            return null;
        } catch (InvalidNameException e) {
            return null;
        }
    }
}
