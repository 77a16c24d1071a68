package io.sluice.it.reliability.report;

import io.sluice.it.harness.CaseFamily;
import java.util.List;

/**
 * Cases whose evidence is an existing test that does not record itself (unit tests of other modules, integration
 * tests written before {@code Evidence}): the case and which tests prove it. Only the mapping is written here; the
 * outcome (the tests' behaviour sentences) and whether they passed come from the run's test reports.
 */
final class CitedEvidence {
    /** {@code tests}: fully qualified class names, each optionally with {@code #method}. */
    record Cited(String id, CaseFamily family, String title, List<String> tests) {
    }

    private static final String IT = "io.sluice.it.";
    private static final String TUNNEL = "io.sluice.tunnel.";
    private static final String SPAWNER = "io.sluice.spawner.";

    static final List<Cited> ALL = List.of(
            new Cited("fault.backend-killed", CaseFamily.FAULT, "a static backend killed mid-stream",
                    List.of(IT + "BackendFailureIT")),
            new Cited("fault.worker-exit-codes", CaseFamily.FAULT, "a spawned worker that exits, crashes or is killed",
                    List.of(IT + "WorkerCloseCodesIT")),
            new Cited("fault.unresponsive-worker", CaseFamily.FAULT,
                    "a worker that closes its listening socket or never accepts", List.of(IT + "UnresponsiveWorkersIT",
                    SPAWNER + "pool.AcceptTimeoutTest")),
            new Cited("fault.crash-loop", CaseFamily.FAULT, "a program that exits at its start (crash loop)",
                    List.of(SPAWNER + "pool.FailedStartsTest")),
            new Cited("fault.output-flood", CaseFamily.FAULT, "a backend that floods its stdout and stderr",
                    List.of(SPAWNER + "process.OutputFloodTest", SPAWNER + "process.OutputBudgetTest")),
            new Cited("fault.fd-exhaustion", CaseFamily.FAULT,
                    "Sluice out of file descriptors (ulimit -n 128), and recovery when they free up",
                    List.of(IT + "FdExhaustionIT")),
            new Cited("fault.sigkill-leftovers", CaseFamily.FAULT, "Sluice SIGKILLed with idle workers and forks",
                    List.of(IT + "SpawnerLifecycleIT", IT + "RuntimeDirTrustIT#afterASigkillTheNextStartKillsAForked"
                            + "GrandchildAndNothingElse", SPAWNER + "process.ProcessGroupLedgerTest")),
            new Cited("fault.clock-jump", CaseFamily.FAULT, "the wall clock stepped back or forward",
                    List.of(SPAWNER + "pool.ClockJumpTest", TUNNEL + "WallClockTest")),
            new Cited("fault.session-leak", CaseFamily.FAULT, "sessions ended by a worker that keeps running",
                    List.of(IT + "SessionLeakIT")),
            new Cited("abuse.never-reading-unit", CaseFamily.ABUSE,
                    "pipelined requests and PINGs from a client that never reads (tunnel unit level)",
                    List.of(TUNNEL + "server.NeverReadingClientTest")),
            new Cited("abuse.silent-beyond-cap", CaseFamily.ABUSE, "silent connections beyond max-connections",
                    List.of(IT + "ClientMisbehaviourIT")),
            new Cited("abuse.slow-reader", CaseFamily.ABUSE, "a slow reader on either side, 64 MiB behind it",
                    List.of(IT + "SlowReaderIT")),
            new Cited("abuse.large-frame", CaseFamily.ABUSE, "a 100 MiB frame through a 48 MiB heap",
                    List.of(IT + "LargeFrameIT")),
            new Cited("security.origin-policy", CaseFamily.SECURITY, "origins: parsing and matching (unit level)",
                    List.of(TUNNEL + "config.OriginPolicyTest")),
            new Cited("security.static-files", CaseFamily.SECURITY, "document-root resolution (unit level)",
                    List.of(TUNNEL + "server.StaticFilesTest")),
            new Cited("security.upgrade-body", CaseFamily.SECURITY,
                    "an upgrade request that announces a body (unit level)",
                    List.of(TUNNEL + "server.BodilessUpgradeHandlerTest", TUNNEL + "server.HandshakeRegressionTest")),
            new Cited("security.cgi-environment", CaseFamily.SECURITY, "request headers into a CGI environment",
                    List.of(TUNNEL + "cgi.HeaderVariablesTest", TUNNEL + "cgi.CgiEnvironmentTest",
                            TUNNEL + "cgi.CgiInjectionTest")),
            new Cited("security.proxy-header", CaseFamily.SECURITY, "the PROXY v2 header towards backends",
                    List.of(TUNNEL + "session.ProxyHeaderV2Test", TUNNEL + "session.ProxyHeaderInjectionTest",
                            IT + "ProxyProtocolIT")),
            new Cited("security.runtime-dir-trust", CaseFamily.SECURITY,
                    "a runtime-dir others may write to, links and planted ledger entries",
                    List.of(IT + "RuntimeDirTrustIT", SPAWNER + "RuntimeDirTrustTest")),
            new Cited("security.hostile-keys", CaseFamily.SECURITY, "hostile per-key keys",
                    List.of(TUNNEL + "server.SessionKeyTest")));

    private CitedEvidence() {
    }
}
