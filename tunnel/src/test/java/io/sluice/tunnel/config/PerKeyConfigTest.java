package io.sluice.tunnel.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.spawner.spec.BackendAddress;
import io.sluice.spawner.spec.BackendSpec;
import io.sluice.spawner.spec.Confinement;
import io.sluice.spawner.spec.PerKeySpec;
import io.sluice.spawner.spec.ResourceLimit;
import io.sluice.spawner.spec.ResourceLimit.Resource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-key hosts, workers' identity and limits, and proxy-protocol, read from YAML into their records. */
class PerKeyConfigTest {
    private static final SystemFacts FACTS = new SystemFacts(Map.of("PATH", "/usr/bin:/bin"), 128);

    @TempDir
    Path dir;

    private RouteSpec route(String hostYaml) throws IOException, ConfigException {
        Path file = dir.resolve("sluice.yaml");
        Files.writeString(file, "server:\n  runtime-dir: run\nwstunnel:\n  server:\n    \"/sandbox/\":\n      - "
                + hostYaml.strip().replace("\n", "\n        ") + "\n");
        return ConfigLoader.load(file, FACTS).routes().get(0);
    }

    @Test
    void readsEveryPerKeyOptionIntoTheSpecAndTheRoutesKeyRule() throws Exception {
        Files.createDirectories(dir.resolve("homes"));
        RouteSpec route = route("""
                bin-path: /bin/sh
                instances: per-key
                key: cookie:session
                key-pattern: "[a-z]{2,8}"
                key-default: guest
                max-procs: 200
                max-sessions-per-key: 8
                idle-timeout: 5m
                max-age: 1h
                start-timeout: 3s
                cwd: homes/{key}
                cwd-create: true
                """);
        BackendSpec spec = route.backends().backends().get(0);

        assertThat(spec.perKey()).isEqualTo(new PerKeySpec(8, Duration.ofHours(1), Duration.ofSeconds(3),
                dir.resolve("homes/{key}").toString(), true));
        assertThat(spec.limits().minProcs()).isZero();
        assertThat(spec.limits().maxProcs()).isEqualTo(200);
        assertThat(spec.limits().idleTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(spec.address()).isEqualTo(new BackendAddress.UnixPath(dir.resolve("run/sandbox-0.sock")));
        assertThat(spec.launch().cwd()).as("the folder of the binary; the template is per key")
                .isEqualTo(Path.of("/bin"));
        KeyRule rule = route.keyRule();
        assertThat(rule.source()).isEqualTo(new KeySource(KeySource.Kind.COOKIE, "session"));
        assertThat(rule.defaultKey()).isEqualTo("guest");
        assertThat(rule.namesFolder()).isTrue();
        assertThat(rule.refusal("alice")).isNull();
        assertThat(rule.refusal("Alice")).isEqualTo("the key does not match key-pattern [a-z]{2,8}");
    }

    @Test
    void defaultsAKeysPatternAndLimitsAndAcceptsIpv6ForRemoteAddr() throws Exception {
        RouteSpec route = route("""
                bin-path: /bin/sh
                instances: per-key
                key: remote-addr
                """);
        BackendSpec spec = route.backends().backends().get(0);

        assertThat(spec.perKey()).isEqualTo(new PerKeySpec(0, Duration.ZERO, Duration.ofSeconds(10), null, false));
        assertThat(route.keyRule().refusal("2001:db8::7")).isNull();
        assertThat(route.keyRule().refusal("a/b")).isNotNull();
        assertThat(route("bin-path: /bin/sh\ninstances: per-key\nkey: header:X-User").keyRule().pattern().pattern())
                .isEqualTo("[A-Za-z0-9._@-]{1,128}");
    }

    @Test
    void readsUserGroupAllowRootAndRlimitsOnAPoolHost() throws Exception {
        BackendSpec spec = route("""
                bin-path: /bin/sh
                user: nobody
                group: "65534"
                allow-root: true
                rlimits: { nofile: [256, 1024], nproc: 64, as: 1GiB, cpu: 10m, fsize: unlimited, core: 0 }
                """).backends().backends().get(0);

        Confinement confinement = spec.launch().confinement();
        assertThat(confinement.user()).isEqualTo("nobody");
        assertThat(confinement.group()).isEqualTo("65534");
        assertThat(confinement.allowRoot()).isTrue();
        assertThat(confinement.rlimits()).containsExactly(
                new ResourceLimit(Resource.NOFILE, 256, 1024),
                new ResourceLimit(Resource.NPROC, 64, 64),
                new ResourceLimit(Resource.AS, 1L << 30, 1L << 30),
                new ResourceLimit(Resource.CPU, 600, 600),
                new ResourceLimit(Resource.FSIZE, ResourceLimit.UNLIMITED, ResourceLimit.UNLIMITED),
                new ResourceLimit(Resource.CORE, 0, 0));
        assertThat(spec.perKey()).isNull();
        assertThat(spec.proxyProtocol()).isFalse();
    }

    @Test
    void proxyProtocolV2IsValidOnAnExistingServer() throws Exception {
        RouteSpec route = route("host: 127.0.0.1\nport: 9000\nproxy-protocol: v2");

        assertThat(route.backends().backends().get(0).proxyProtocol()).isTrue();
        assertThat(route.keyRule()).isNull();
    }
}
