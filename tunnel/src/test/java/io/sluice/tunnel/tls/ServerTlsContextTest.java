package io.sluice.tunnel.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.sluice.testsupport.tls.TestCertificates;
import io.sluice.testsupport.tls.TestCertificates.Issued;
import io.sluice.testsupport.tls.TestCertificates.KeyKind;
import io.sluice.testsupport.tls.TestCertificates.Use;
import io.sluice.tunnel.config.ClientAuth;
import io.sluice.tunnel.config.TlsOptions;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The listener's TLS settings, handshake by handshake, in memory: the server's {@link ServerTlsContext} against a
 * JDK client, for both providers. What must be true whichever provider loads: TLS 1.2 and 1.3 only, ECDHE with AEAD
 * only, ALPN http/1.1, a chain sent whole, RSA and EC keys, client certificates as client-auth says.
 */
class ServerTlsContextTest {
    private static final Issued ROOT = TestCertificates.ca("Test root", KeyKind.RSA);
    private static final Issued INTERMEDIATE = TestCertificates.issue(ROOT, "Test intermediate", KeyKind.EC, Use.CA);
    private static final Issued SERVER_RSA = TestCertificates.issue(INTERMEDIATE, "localhost", KeyKind.RSA,
            Use.SERVER);
    private static final Issued SERVER_EC = TestCertificates.issue(ROOT, "localhost", KeyKind.EC, Use.SERVER);
    private static final Issued CLIENT_CA = TestCertificates.ca("Client CA", KeyKind.EC);
    private static final Issued ALICE = TestCertificates.issue(CLIENT_CA, "alice", KeyKind.EC, Use.CLIENT);
    private static final Issued MALLORY = TestCertificates.issue(TestCertificates.ca("Other CA", KeyKind.EC),
            "mallory", KeyKind.RSA, Use.CLIENT);

    @Test
    void usesBoringSslWhereNettyTcnativeLoads() {
        assumeThat(System.getProperty("os.arch")).isIn("amd64", "x86_64");
        assumeThat(System.getProperty("os.name")).isEqualTo("Linux");

        assertThat(ServerTlsContext.availableProvider()).isEqualTo(SslProvider.OPENSSL);
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void speaksTls13WithAlpnHttp11AndSendsTheWholeChain(SslProvider provider) throws Exception {
        Result r = handshake(server(provider, SERVER_RSA, List.of(SERVER_RSA, INTERMEDIATE), ClientAuth.NONE,
                List.of("TLSv1.3", "TLSv1.2")), client().protocols("TLSv1.3", "TLSv1.2"));

        assertThat(r.failure()).isNull();
        assertThat(r.client().engine().getSession().getProtocol()).isEqualTo("TLSv1.3");
        assertThat(r.client().applicationProtocol()).isEqualTo("http/1.1");
        assertThat(r.client().engine().getSession().getPeerCertificates()).hasSize(2);
        assertThat(r.serverFacts().hasCertificate()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void speaksTls12WithAnEcKeyAndOnlyEcdheAead(SslProvider provider) throws Exception {
        Result r = handshake(server(provider, SERVER_EC, List.of(SERVER_EC), ClientAuth.NONE, List.of("TLSv1.2")),
                client().protocols("TLSv1.3", "TLSv1.2"));

        assertThat(r.failure()).isNull();
        assertThat(r.serverFacts().protocol()).isEqualTo("TLSv1.2");
        assertThat(r.serverFacts().cipher()).startsWith("TLS_ECDHE_ECDSA_WITH_").matches(".*(GCM|CHACHA20).*");
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void enablesNothingOlderThanTls12NorAnyCipherOutsideItsList(SslProvider provider) throws Exception {
        ServerTlsContext server = server(provider, SERVER_RSA, List.of(SERVER_RSA, INTERMEDIATE), ClientAuth.NONE,
                List.of("TLSv1.3", "TLSv1.2"));
        SslHandler handler = server.newHandler(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT);
        try {
            // SSLv2Hello is no protocol: the JDK lists the old hello *format*, after which TLS 1.2+ is negotiated.
            assertThat(handler.engine().getEnabledProtocols()).contains("TLSv1.3", "TLSv1.2")
                    .allMatch(p -> p.equals("TLSv1.3") || p.equals("TLSv1.2") || p.equals("SSLv2Hello"));
            assertThat(handler.engine().getEnabledCipherSuites()).isNotEmpty()
                    .allMatch(ServerTlsContext.CIPHERS::contains);
        } finally {
            io.netty.util.ReferenceCountUtil.release(handler.engine());
        }
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void refusesAProtocolThatIsNotListed(SslProvider provider) throws Exception {
        Result r = handshake(server(provider, SERVER_RSA, List.of(SERVER_RSA, INTERMEDIATE), ClientAuth.NONE,
                List.of("TLSv1.3")), client().protocols("TLSv1.2"));

        assertThat(r.failure()).isNotNull();
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void refusesAClientThatOffersOnlyCbcOrNonEphemeralSuites(SslProvider provider) throws Exception {
        Result r = handshake(server(provider, SERVER_RSA, List.of(SERVER_RSA, INTERMEDIATE), ClientAuth.NONE,
                List.of("TLSv1.2")), client().protocols("TLSv1.2").ciphers(List.of(
                        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256")));

        assertThat(r.failure()).isNotNull();
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void requiredClientCertificateLetsAliceInWithHerSubject(SslProvider provider) throws Exception {
        Result r = handshake(server(provider, SERVER_RSA, List.of(SERVER_RSA, INTERMEDIATE), ClientAuth.REQUIRE,
                List.of("TLSv1.3", "TLSv1.2")), client().keyManager(ALICE.privateKey(), ALICE.certificate()));

        assertThat(r.failure()).isNull();
        assertThat(r.serverFacts().subject()).isEqualTo("CN=alice,O=Sluice tests");
        assertThat(r.serverFacts().commonName()).isEqualTo("alice");
        assertThat(r.serverFacts().issuer()).isEqualTo("CN=Client CA,O=Sluice tests");
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void requiredClientCertificateRefusesNoneAndAForeignOne(SslProvider provider) throws Exception {
        ServerTlsContext server = server(provider, SERVER_RSA, List.of(SERVER_RSA, INTERMEDIATE),
                ClientAuth.REQUIRE, List.of("TLSv1.3", "TLSv1.2"));

        assertThat(handshake(server, client().protocols("TLSv1.2")).failure()).as("no certificate").isNotNull();
        assertThat(handshake(server, client().protocols("TLSv1.2")
                .keyManager(MALLORY.privateKey(), MALLORY.certificate())).failure()).as("foreign").isNotNull();
    }

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"OPENSSL", "JDK"})
    void optionalClientCertificateLetsAClientWithoutOneIn(SslProvider provider) throws Exception {
        ServerTlsContext server = server(provider, SERVER_EC, List.of(SERVER_EC), ClientAuth.OPTIONAL,
                List.of("TLSv1.3", "TLSv1.2"));

        Result without = handshake(server, client());
        Result with = handshake(server, client().keyManager(ALICE.privateKey(), ALICE.certificate()));

        assertThat(without.failure()).isNull();
        assertThat(without.serverFacts().hasCertificate()).isFalse();
        assertThat(with.failure()).isNull();
        assertThat(with.serverFacts().commonName()).isEqualTo("alice");
    }

    private static ServerTlsContext server(SslProvider provider, Issued leaf, List<Issued> chain, ClientAuth auth,
                                           List<String> protocols) throws Exception {
        List<X509Certificate> certificates = chain.stream().map(Issued::certificate).toList();
        List<X509Certificate> trusted = auth == ClientAuth.NONE ? List.of() : List.of(CLIENT_CA.certificate());
        TlsOptions options = new TlsOptions(Path.of("cert.pem"), Path.of("key.pem"),
                trusted.isEmpty() ? null : Path.of("ca.pem"), auth, protocols, certificates, leaf.privateKey(),
                trusted, List.of());
        return ServerTlsContext.build(options, Duration.ofSeconds(10), provider);
    }

    private static SslContextBuilder client() {
        return SslContextBuilder.forClient().sslProvider(SslProvider.JDK).trustManager(ROOT.certificate())
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_1_1));
    }

    private record Result(SslHandler client, ClientTls serverFacts, Throwable failure) {
    }

    /** Shuttles the bytes of both sides until neither has more to say; the failure of either side, if any. */
    private static Result handshake(ServerTlsContext server, SslContextBuilder clientBuilder) throws Exception {
        EmbeddedChannel serverChannel = new EmbeddedChannel();
        EmbeddedChannel clientChannel = new EmbeddedChannel();
        SslHandler serverSsl = server.newHandler(serverChannel.alloc());
        SslHandler clientSsl = clientBuilder.build().newHandler(clientChannel.alloc(), "localhost", 443);
        serverChannel.pipeline().addLast(serverSsl);
        clientChannel.pipeline().addLast(clientSsl);
        Throwable failure = null;
        try {
            for (int round = 0; round < 20; round++) {
                boolean moved = shuttle(clientChannel, serverChannel) | shuttle(serverChannel, clientChannel);
                if (!moved) {
                    break;
                }
            }
        } catch (Exception e) {
            failure = e;
        }
        if (failure == null && !(serverSsl.handshakeFuture().isSuccess() && clientSsl.handshakeFuture().isSuccess())) {
            failure = serverSsl.handshakeFuture().cause() != null ? serverSsl.handshakeFuture().cause()
                    : clientSsl.handshakeFuture().cause() != null ? clientSsl.handshakeFuture().cause()
                    : new AssertionError("handshake did not finish");
        }
        ClientTls facts = failure == null ? ClientTls.of(serverChannel) : null;
        serverChannel.finishAndReleaseAll();
        clientChannel.finishAndReleaseAll();
        return new Result(clientSsl, facts, failure);
    }

    private static boolean shuttle(EmbeddedChannel from, EmbeddedChannel to) {
        boolean moved = false;
        ByteBuf bytes;
        while ((bytes = from.readOutbound()) != null) {
            moved = true;
            to.writeInbound(bytes);
        }
        return moved;
    }
}
