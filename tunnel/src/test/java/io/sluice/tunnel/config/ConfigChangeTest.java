package io.sluice.tunnel.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a reload adds, changes, removes, keeps and refuses, decided from two loaded configurations. */
class ConfigChangeTest {
    private static final SystemFacts FACTS = new SystemFacts(Map.of("PATH", "/usr/bin:/bin"), 128);

    @TempDir
    Path dir;

    private SluiceConfig load(String yaml) throws Exception {
        Path file = dir.resolve("sluice.yaml");
        Files.writeString(file, "server:\n  runtime-dir: run\n" + yaml);
        return ConfigLoader.load(file, FACTS);
    }

    private static final String ROUTES = """
            wstunnel:
              server:
                "/kept/":
                  - { socket: kept.sock }
                "/changed/":
                  - { socket: changed.sock }
                "/removed/":
                  - { socket: removed.sock }
            """;

    @Test
    void sortsRoutesIntoAddedChangedRemovedAndKeptInConfigOrder() throws Exception {
        SluiceConfig running = load(ROUTES);
        SluiceConfig loaded = load("""
                wstunnel:
                  server:
                    "/added/":
                      - { socket: added.sock }
                    "/changed/":
                      - { socket: changed.sock, disable-time: 9 }
                    "/kept/":
                      - { socket: kept.sock }
                """);

        ConfigChange change = ConfigChange.between(running, loaded);

        assertThat(change.added()).containsExactly("/added/");
        assertThat(change.changed()).containsExactly("/changed/");
        assertThat(change.removed()).containsExactly("/removed/");
        assertThat(change.kept()).containsExactly("/kept/");
        assertThat(change.retired()).containsExactly("/changed/", "/removed/");
        assertThat(change.refused()).isEmpty();
        assertThat(change.blocker()).isNull();
        assertThat(change.summary()).isEqualTo(
                "added \"/added/\"; changed \"/changed/\"; removed \"/removed/\"; kept \"/kept/\"");
    }

    @Test
    void aRouteSettingOfTheRouteItselfIsAChangeToo() throws Exception {
        SluiceConfig running = load(ROUTES);
        SluiceConfig loaded = load(ROUTES.replace("\"/changed/\":\n", "\"/changed/\":\n      frame-type: binary\n"
                + "      hosts:\n").replace("      - { socket: changed.sock }", "        - { socket: changed.sock }"));

        ConfigChange change = ConfigChange.between(running, loaded);

        assertThat(change.changed()).containsExactly("/changed/");
        assertThat(change.kept()).containsExactly("/kept/", "/removed/");
    }

    @Test
    void theSameFileLoadedTwiceChangesNothingEvenWithAPerKeyRoutesPattern() throws Exception {
        Files.createDirectories(dir.resolve("homes"));
        String yaml = ROUTES + """
                    "/sandbox/":
                      - bin-path: /bin/sh
                        instances: per-key
                        key: query:user
                        key-pattern: "[a-z]{2,8}"
                """;

        ConfigChange change = ConfigChange.between(load(yaml), load(yaml));

        assertThat(change.kept()).containsExactly("/kept/", "/changed/", "/removed/", "/sandbox/");
        assertThat(change.added()).isEmpty();
        assertThat(change.changed()).isEmpty();
        assertThat(change.removed()).isEmpty();
    }

    @Test
    void refusesListenerSettingsAndAppliesTheRestWithTheRunningValues() throws Exception {
        SluiceConfig running = load("  port: 8080\n  max-message-size: 1KiB\n" + ROUTES);
        SluiceConfig loaded = load("  port: 9090\n  bind: 0.0.0.0\n  max-message-size: 2KiB\n"
                + "admin: { port: 9191 }\n" + ROUTES);

        ConfigChange change = ConfigChange.between(running, loaded);

        assertThat(change.refused()).containsExactly(
                "server.bind: not changed from 127.0.0.1 to 0.0.0.0: the listener cannot change while it runs; "
                        + "restart needed",
                "server.port: not changed from 8080 to 9090: the listener cannot change while it runs; restart needed",
                "admin: not changed from off to 127.0.0.1:9191: the listener cannot change while it runs; "
                        + "restart needed");
        assertThat(change.applied().server().port()).isEqualTo(8080);
        assertThat(change.applied().server().bind()).isEqualTo("127.0.0.1");
        assertThat(change.applied().admin()).isNull();
        assertThat(change.applied().server().maxMessageSize()).as("applied live").isEqualTo(2048);
        assertThat(change.kept()).hasSize(3);
    }

    /** The event loops and every channel are of one transport: changing it needs a restart. */
    @Test
    void theTransportIsAListenerSetting() throws Exception {
        SluiceConfig running = load("  transport: epoll\n" + ROUTES);
        SluiceConfig loaded = load("  transport: io_uring\n" + ROUTES);

        ConfigChange change = ConfigChange.between(running, loaded);

        assertThat(change.refused()).containsExactly("server.transport: not changed from epoll to io_uring: the "
                + "listener cannot change while it runs; restart needed");
        assertThat(change.applied().server().transport()).isEqualTo(TransportPreference.EPOLL);
    }

    /** The balancers in front may change without a restart: new connections follow the new accept list. */
    @Test
    void theProxyProtocolAcceptListIsAppliedLiveIncludingTurningItOnAndOff() throws Exception {
        SluiceConfig off = load(ROUTES);
        SluiceConfig on = load("  proxy-protocol: { accept: [10.0.0.0/8] }\n" + ROUTES);

        ConfigChange turnedOn = ConfigChange.between(off, on);
        ConfigChange turnedOff = ConfigChange.between(on, off);

        assertThat(turnedOn.refused()).isEmpty();
        assertThat(turnedOn.applied().server().proxyProtocol()).isEqualTo(on.server().proxyProtocol());
        assertThat(turnedOff.refused()).isEmpty();
        assertThat(turnedOff.applied().server().proxyProtocol()).isNull();
        assertThat(turnedOn.kept()).hasSize(3);
    }

    @Test
    void aNewRuntimeFolderBlocksTheWholeReload() throws Exception {
        SluiceConfig running = load(ROUTES);
        Path other = dir.resolve("other.yaml");
        Files.writeString(other, "server:\n  runtime-dir: elsewhere\n" + ROUTES);

        ConfigChange change = ConfigChange.between(running, ConfigLoader.load(other, FACTS));

        assertThat(change.blocker()).startsWith("server.runtime-dir changed from " + dir.resolve("run") + " to "
                + dir.resolve("elsewhere")).endsWith("change it back, or restart Sluice");
    }

    /** A per-connection route the running io_uring transport cannot run blocks the reload, not its sessions. */
    @Test
    void aPerConnectionRouteTheRunningTransportCannotRunBlocksTheWholeReload() throws Exception {
        SluiceConfig running = load("  transport: io_uring\n" + ROUTES);
        SluiceConfig loaded = load("  transport: epoll\n" + ROUTES + """
                    "/sh/":
                      - bin-path: /bin/cat
                        instances: per-connection
                """);

        ConfigChange change = ConfigChange.between(running, loaded);

        assertThat(change.blocker()).isEqualTo("server.transport: io_uring cannot run route \"/sh/\": its "
                + "per-connection programs talk over a raw fd (a socketpair end or a pseudo-terminal) that only the "
                + "epoll transport can take over as a channel; the running transport stays until a restart");
        assertThat(change.applied()).isSameAs(running);
    }
}
