package io.sluice.tunnel.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.spawner.spec.BackendAddress;
import io.sluice.spawner.spec.BackendSpec;
import io.sluice.spawner.spec.PerConnectionSpec;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code instances: per-connection} read into its records ({@link PerConnectionSpec} on the backend, {@link CgiRule}
 * on the route), through the route and host readers.
 */
class PerConnectionConfigTest {
    private static final SystemFacts FACTS = new SystemFacts(Map.of("PATH", "/usr/bin:/bin"), 128);

    @TempDir
    Path dir;

    private final Problems problems = new Problems(Path.of("sluice.yaml"));
    private HostReader hosts;

    private RouteSpec route(String routeYaml) {
        hosts = new HostReader(dir, dir.resolve("run"), FACTS, problems);
        return new RouteReader(hosts, problems).read("/sh/", new Yaml().compose(new StringReader(routeYaml)),
                "wstunnel.server[\"/sh/\"]", TunnelOptions.DEFAULTS, null);
    }

    @Test
    void readsTheProgramItsTerminalAndCredentials() {
        RouteSpec route = route("""
                framing: lines
                hosts:
                  - bin-path: [/bin/cat, -u]
                    instances: per-connection
                    pty: true
                    pass-credentials: true
                    max-procs: 50
                    stop-timeout: 2s
                    kill-signal: HUP
                """);

        assertThat(problems.inFileOrder()).isEmpty();
        BackendSpec spec = route.backends().perConnectionBackend();
        assertThat(spec).isNotNull();
        assertThat(spec.perConnection()).isEqualTo(new PerConnectionSpec(true));
        assertThat(spec.address()).isEqualTo(new BackendAddress.Stdio(Path.of("/bin/cat")));
        assertThat(spec.name()).as("named by its program, as its log lines are").isEqualTo("cat");
        assertThat(spec.limits().maxProcs()).isEqualTo(50);
        assertThat(spec.limits().minProcs()).isZero();
        assertThat(spec.launch().argv()).containsExactly("/bin/cat", "-u");
        assertThat(spec.launch().stopTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(spec.launch().killSignal()).isEqualTo(1);
        assertThat(route.cgi()).isEqualTo(new CgiRule(true));
        assertThat(route.framing()).isEqualTo(MessageFraming.lines(MessageFraming.DEFAULT_MAX_LINE_LENGTH));

    }

    @Test
    void defaultsToASocketpairWithoutCredentialsAndAHundredProgramsAtOnce() {
        RouteSpec route = route("""
                - bin-path: /bin/cat
                  instances: per-connection
                """);

        assertThat(problems.inFileOrder()).isEmpty();
        BackendSpec spec = route.backends().backends().get(0);
        assertThat(spec.perConnection()).isEqualTo(new PerConnectionSpec(false));
        assertThat(spec.limits().maxProcs()).isEqualTo(PerConnectionSpec.DEFAULT_MAX_PROCS);
        assertThat(route.cgi()).isEqualTo(new CgiRule(false));
        assertThat(route.keyRule()).isNull();
    }

    @Test
    void aPoolRouteHasNoCgiRule() {
        RouteSpec route = route("""
                - bin-path: /bin/cat
                """);

        assertThat(problems.inFileOrder()).isEmpty();
        assertThat(route.cgi()).isNull();
        assertThat(route.backends().perConnectionBackend()).isNull();
    }
}
