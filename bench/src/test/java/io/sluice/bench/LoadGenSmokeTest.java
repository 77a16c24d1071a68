package io.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.sluice.testsupport.tls.TestCertificates;
import io.sluice.testsupport.tls.TestCertificates.Issued;
import io.sluice.testsupport.tls.TestCertificates.KeyKind;
import io.sluice.testsupport.tls.TestCertificates.Use;
import org.junit.jupiter.api.Test;

/** One- to two-second runs of LoadGen against in-JVM echo servers: it must verify bytes and catch corruption. */
class LoadGenSmokeTest {
    private static final String SELF = Long.toString(ProcessHandle.current().pid());

    @Test
    void pingPongAgainstRawEchoVerifiesEveryByteWithoutErrors() throws Exception {
        try (EchoServers echo = EchoServers.raw(-1)) {
            JsonLine result = LoadGen.run(Options.parse(new String[] {"pingpong", "--raw", "--port",
                Integer.toString(echo.port()), "--conns", "4", "--size", "100", "--duration", "1", "--warmup", "0.2",
                "--pid", SELF}));

            assertThat(result.get("errors")).isEqualTo(0L);
            assertThat(result.get("valid")).isEqualTo(true);
            assertThat((long) result.get("msgs")).isPositive();
            assertThat((long) result.get("bytes_verified")).isGreaterThanOrEqualTo(100L * (long) result.get("msgs"));
            assertThat((double) result.get("p50_us")).isPositive();
            assertThat(result.get("server_cpu_ms")).isNotNull();
        }
    }

    @Test
    void streamAgainstWebSocketEchoThatSplitsMessagesVerifiesEveryByte() throws Exception {
        try (EchoServers echo = EchoServers.webSocketSplitting()) {
            JsonLine result = LoadGen.run(Options.parse(new String[] {"stream", "--port",
                Integer.toString(echo.port()), "--conns", "3", "--size", "70000", "--window", "4", "--duration", "1",
                "--warmup", "0.2"}));

            assertThat(result.get("first_error")).isNull();
            assertThat(result.get("valid")).isEqualTo(true);
            assertThat((long) result.get("msgs")).isPositive();
            assertThat((long) result.get("bytes_verified")).isGreaterThanOrEqualTo(70000L * (long) result.get("msgs"));
        }
    }

    @Test
    void idleHoldsSessionsAndEverySessionEchoesItsProbe() throws Exception {
        try (EchoServers echo = EchoServers.webSocketSplitting()) {
            JsonLine result = LoadGen.run(Options.parse(new String[] {"idle", "--port", Integer.toString(echo.port()),
                "--conns", "50", "--hold", "0.2", "--pid", SELF, "--min-available-mib", "0"}));

            assertThat(result.get("first_error")).isNull();
            assertThat(result.get("sessions")).isEqualTo(50);
            assertThat(result.get("msgs")).isEqualTo(50L);
            assertThat((long) result.get("pss_after_kib")).isPositive();
            assertThat(result.get("bytes_verified")).isEqualTo(2 * 50L * 64); // one probe before, one after the hold
        }
    }

    @Test
    void footprintReadsThePssOfTheTreeAfterTheHoldAndNeedsAPid() throws Exception {
        JsonLine result = LoadGen.run(Options.parse(new String[] {"footprint", "--port", "1", "--hold", "0.1",
            "--pid", SELF}));
        JsonLine withoutPid = LoadGen.run(Options.parse(new String[] {"footprint", "--port", "1", "--hold", "0"}));

        assertThat(result.get("valid")).isEqualTo(true);
        assertThat((long) result.get("pss_kib")).isPositive();
        assertThat((int) result.get("server_processes")).isPositive();
        assertThat(withoutPid.get("valid")).isEqualTo(false);
        assertThat(withoutPid.get("first_error")).isEqualTo("footprint needs --pid");
    }

    @Test
    void churnRunsShortSessionsBackToBackAndTimesTheUpgradeAndTheClose() throws Exception {
        try (EchoServers echo = EchoServers.webSocketSplitting()) {
            JsonLine result = LoadGen.run(Options.parse(new String[] {"churn", "--port", Integer.toString(echo.port()),
                "--conns", "4", "--duration", "1", "--warmup", "0.2", "--pid", SELF}));

            assertThat(result.get("first_error")).isNull();
            assertThat(result.get("valid")).isEqualTo(true);
            assertThat((long) result.get("sessions")).isPositive();
            assertThat((double) result.get("rate_sessions_s")).isPositive();
            assertThat((double) result.get("upgrade_p50_us")).isPositive();
            assertThat((double) result.get("close_p99_us")).isGreaterThanOrEqualTo((double) result.get("close_p50_us"));
            assertThat(result.get("server_cpu_us_per_session")).isNotNull();
            assertThat(result.get("server_processes_after")).isEqualTo(result.get("server_processes_before"));
        }
    }

    @Test
    void churnWithTlsRunsEverySessionOverTls() throws Exception {
        Issued ca = TestCertificates.ca("LoadGen test CA", KeyKind.EC);
        Issued leaf = TestCertificates.issue(ca, "localhost", KeyKind.EC, Use.SERVER);
        SslContext tls = SslContextBuilder.forServer(leaf.privateKey(), leaf.certificate(), ca.certificate()).build();
        try (EchoServers echo = EchoServers.webSocketSplitting(tls)) {
            String port = Integer.toString(echo.port());
            JsonLine result = LoadGen.run(Options.parse(new String[] {"churn", "--tls", "--port", port,
                "--conns", "2", "--duration", "1", "--warmup", "0.2"}));
            // The server speaks only TLS: a session without it gets no 101.
            JsonLine plain = LoadGen.run(Options.parse(new String[] {"churn", "--port", port, "--conns", "1",
                "--duration", "0.3", "--warmup", "0"}));

            assertThat(result.get("target")).isEqualTo("wss://127.0.0.1:" + port + "/echo");
            assertThat(result.get("first_error")).isNull();
            assertThat(result.get("valid")).isEqualTo(true);
            assertThat((long) result.get("sessions")).isPositive();
            assertThat(plain.get("valid")).isEqualTo(false);
        }
    }

    @Test
    void oneFlippedBitInTheEchoMakesTheRunInvalid() throws Exception {
        try (EchoServers echo = EchoServers.raw(5000)) {
            JsonLine result = LoadGen.run(Options.parse(new String[] {"pingpong", "--raw", "--port",
                Integer.toString(echo.port()), "--size", "64", "--duration", "1", "--warmup", "0.2"}));

            assertThat((long) result.get("errors")).isPositive();
            assertThat(result.get("valid")).isEqualTo(false);
            assertThat((String) result.get("first_error")).contains("message 78, byte 8");
        }
    }
}
