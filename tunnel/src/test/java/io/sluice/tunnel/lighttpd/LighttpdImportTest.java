package io.sluice.tunnel.lighttpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.tunnel.config.ConfigLoader;
import io.sluice.tunnel.config.SluiceConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden files: every {@code lighttpd/<case>/lighttpd.conf} converts to exactly {@code expected.yaml} with exactly
 * the warnings of {@code expected.warnings}, and the YAML passes the real config loader (what {@code sluice check}
 * runs) from the case's folder. Adding a case is adding a folder; {@code -Dlighttpd.golden.write=true} rewrites the
 * expected files from the actual output (review the diff before committing it).
 */
class LighttpdImportTest {
    static final Path CASES = Path.of("src/test/resources/lighttpd");

    static Stream<String> cases() throws IOException {
        try (Stream<Path> dirs = Files.list(CASES)) {
            return dirs.filter(d -> Files.exists(d.resolve("lighttpd.conf"))).map(d -> d.getFileName().toString())
                    .sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void convertsToTheExpectedYamlThatPassesCheck(String name) throws Exception {
        Path dir = CASES.resolve(name);
        ImportResult result = LighttpdImport.convert(dir.resolve("lighttpd.conf"));
        Path expectedYaml = dir.resolve("expected.yaml");
        Path expectedWarnings = dir.resolve("expected.warnings");
        if (Boolean.getBoolean("lighttpd.golden.write")) {
            Files.writeString(expectedYaml, result.yaml());
            Files.writeString(expectedWarnings, String.join("\n", result.warnings()) + "\n");
        }

        assertThat(result.yaml()).isEqualTo(Files.readString(expectedYaml, StandardCharsets.UTF_8));
        assertThat(result.warnings()).containsExactlyElementsOf(Files.readAllLines(expectedWarnings).stream()
                .filter(l -> !l.isBlank()).toList());
        assertThatCode(() -> ConfigLoader.parse(result.yaml(), dir.resolve("sluice.yaml")))
                .as("the result passes sluice check").doesNotThrowAnyException();
    }

    @Test
    void keepsLighttpdsDefaultsWhereSluicesDiffer() throws Exception {
        SluiceConfig config = ConfigLoader.parse(LighttpdImport.convert(CASES.resolve("websocket-proxy/lighttpd.conf"))
                .yaml(), CASES.resolve("websocket-proxy/sluice.yaml"));

        assertThat(config.server().maxReadIdle()).hasSeconds(60);
        assertThat(config.server().bind()).isEqualTo("0.0.0.0");
        assertThat(config.routes()).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("/websocket");
            assertThat(r.pingInterval()).isZero();
        });
    }

    @Test
    void aSyntaxErrorNamesTheFileAndLine() {
        assertThatThrownBy(() -> LighttpdImport.convert(CASES.resolve("errors/syntax.conf")))
                .isInstanceOf(LighttpdSyntaxException.class)
                .hasMessage(CASES.resolve("errors/syntax.conf") + ":2: expected ',' or ')' in the array, got string"
                        + " \"port\"");
    }

    @Test
    void aMissingIncludeNamesWhereItWasIncluded() {
        assertThatThrownBy(() -> LighttpdImport.convert(CASES.resolve("errors/missing-include.conf")))
                .hasMessage(CASES.resolve("errors/missing-include.conf") + ":2: cannot read "
                        + CASES.resolve("errors/not-there.conf") + ": no such file");
    }

    @Test
    void anUnclosedBlockNamesWhereItOpened() {
        assertThatThrownBy(() -> LighttpdImport.convert(CASES.resolve("errors/unterminated.conf")))
                .hasMessageContaining("unterminated.conf:3: missing '}' of the block opened at ")
                .hasMessageEndingWith("unterminated.conf:1");
    }

    @Test
    void aFileThatDoesNotExistIsLocatedAtTheFile() {
        assertThatThrownBy(() -> LighttpdImport.convert(CASES.resolve("errors/none.conf")))
                .hasMessageContaining("none.conf:0: cannot read");
    }

    @Test
    void anIpv6BindLosesLighttpdsBracketsAndPassesCheck() throws Exception {
        Path dir = Files.createTempDirectory("lighttpd");
        try {
            Path conf = dir.resolve("lighttpd.conf");
            Files.writeString(conf, """
                    server.bind = "[::1]"
                    wstunnel.server = ( "/ws/" => ( ( "socket" => "/run/ws.sock" ) ) )
                    """);
            String yaml = LighttpdImport.convert(conf).yaml();

            assertThat(yaml).contains("  bind: \"::1\"\n");
            assertThat(ConfigLoader.parse(yaml, dir.resolve("sluice.yaml")).server().bind()).isEqualTo("::1");
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void stringsEscapesCommentsAndConcatenationReadAsLighttpdReadsThem() throws Exception {
        Path dir = Files.createTempDirectory("lighttpd");
        try {
            Path conf = dir.resolve("lighttpd.conf");
            Files.writeString(conf, """
                    var.name = "a\\"b"   # a comment with "quotes"
                    var.n = 8000 + 80
                    server.port = var.n
                    wstunnel.server = ( "/" + var.name => ( ( "host" => "127.0.0.1", "port" => var.n + 1 ) ) )
                    """);
            String yaml = LighttpdImport.convert(conf).yaml();

            assertThat(yaml).contains("port: 8080\n").contains("\"/a\\\"b\":\n").contains("port: 8081\n");
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            }
        }
    }
}
