package io.sluice.tunnel.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.sluice.tunnel.config.ConfigProblem;
import io.sluice.tunnel.config.TlsOptions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener's TLS: an SSL context built once from {@link TlsOptions} (at start, and again on every reload, which
 * swaps the whole object), and a fresh {@link SslHandler} per connection. TLS 1.2 and 1.3 only (what
 * {@code protocols} allows), AEAD ciphers with ECDHE only, ALPN {@code http/1.1}, client certificates as
 * {@code client-auth} says. Immutable and thread-safe: every event loop makes handlers from it.
 */
public final class ServerTlsContext {
    /**
     * TLS 1.2 suites: forward secret (ECDHE) and AEAD only, the order Mozilla's "intermediate" profile uses. TLS 1.3
     * suites are all AEAD and forward secret; BoringSSL does not let them be configured, the JDK gets them listed.
     */
    static final List<String> CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private static final Logger LOG = LoggerFactory.getLogger(ServerTlsContext.class);

    private final SslContext context;
    private final SslProvider provider;
    private final long handshakeTimeoutMillis;

    private ServerTlsContext(SslContext context, SslProvider provider, Duration handshakeTimeout) {
        this.context = context;
        this.provider = provider;
        this.handshakeTimeoutMillis = handshakeTimeout.toMillis();
    }

    /**
     * Builds the context from the loaded (and so already checked) options; logs the provider, and a WARN for each
     * certificate that is expired or not valid yet.
     *
     * @param handshakeTimeout {@code server.handshake-timeout}: a TLS handshake not done by then closes the
     *                         connection
     * @throws SSLException when the TLS library refuses the material (rare: the loader checked it)
     */
    public static ServerTlsContext build(TlsOptions tls, Duration handshakeTimeout) throws SSLException {
        return build(tls, handshakeTimeout, availableProvider());
    }

    /** As {@link #build(TlsOptions, Duration)} with the given provider (tests run both). */
    static ServerTlsContext build(TlsOptions tls, Duration handshakeTimeout, SslProvider provider)
            throws SSLException {
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        SslContext context = SslContextBuilder
                .forServer(tls.key(), tls.chain().toArray(X509Certificate[]::new))
                .sslProvider(provider)
                .protocols(tls.protocols())
                .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                .clientAuth(clientAuth(tls))
                .trustManager(tls.trusted().isEmpty() ? null : tls.trusted().toArray(X509Certificate[]::new))
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_1_1))
                .build();
        for (ConfigProblem warning : tls.warnings()) {
            LOG.warn("{}", warning.format());
        }
        LOG.info("TLS: {} provider, protocols {}, client-auth {}, certificate {}", describe(provider),
                tls.protocols(), tls.clientAuth().configName(),
                tls.chain().get(0).getSubjectX500Principal().getName());
        return new ServerTlsContext(context, provider, handshakeTimeout);
    }

    /** BoringSSL (netty-tcnative) when its native library loads on this machine, else the JDK's own. */
    static SslProvider availableProvider() {
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    private static String describe(SslProvider provider) {
        if (provider == SslProvider.OPENSSL) {
            return "OpenSSL (" + OpenSsl.versionString() + ")";
        }
        Throwable why = OpenSsl.unavailabilityCause();
        return why == null ? "JDK" : "JDK (OpenSSL unavailable: " + why.getMessage() + ")";
    }

    private static io.netty.handler.ssl.ClientAuth clientAuth(TlsOptions tls) {
        return switch (tls.clientAuth()) {
            case NONE -> io.netty.handler.ssl.ClientAuth.NONE;
            case OPTIONAL -> io.netty.handler.ssl.ClientAuth.OPTIONAL;
            case REQUIRE -> io.netty.handler.ssl.ClientAuth.REQUIRE;
        };
    }

    /** A handler for one new client connection, its handshake bounded by {@code handshake-timeout}. */
    public SslHandler newHandler(ByteBufAllocator alloc) {
        SslHandler handler = context.newHandler(alloc);
        handler.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
        return handler;
    }

    /** {@code OPENSSL} or {@code JDK}. */
    public SslProvider provider() {
        return provider;
    }
}
