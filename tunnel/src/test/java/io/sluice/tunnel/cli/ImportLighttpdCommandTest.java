package io.sluice.tunnel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/** {@code sluice import-lighttpd}: the file written, warnings on stderr, and the exit status the check gives. */
@Isolated // swaps System.err
class ImportLighttpdCommandTest {
    private static final Path CASES = Path.of("src/test/resources/lighttpd");

    @TempDir
    Path dir;

    private int run(ByteArrayOutputStream err, String... args) {
        PrintStream saved = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return SluiceMain.execute(args);
        } finally {
            System.setErr(saved);
        }
    }

    @Test
    void writesTheYamlPrintsWarningsAndExits0WhenTheResultPassesCheck() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path out = dir.resolve("sluice.yaml");
        Path conf = CASES.resolve("many-hosts/lighttpd.conf");

        int status = run(err, "import-lighttpd", conf.toString(), "-o", out.toString());

        assertThat(status).isZero();
        assertThat(out).hasContent(Files.readString(CASES.resolve("many-hosts/expected.yaml")));
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("warning: " + conf + ":4: server.errorlog");
    }

    @Test
    void exits1WhenTheResultNamesWhatThisMachineLacks() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = run(err, "import-lighttpd", CASES.resolve("websocket-proxy/lighttpd.conf").toString(), "-o",
                dir.resolve("sluice.yaml").toString());

        assertThat(status).isEqualTo(SluiceMain.EXIT_RUNTIME);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("does not pass sluice check here")
                .contains("server.document-root");
    }

    @Test
    void exits2WithTheLocatedErrorWhenTheLighttpdFileCannotBeRead() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int status = run(err, "import-lighttpd", CASES.resolve("errors/syntax.conf").toString());

        assertThat(status).isEqualTo(SluiceMain.EXIT_CONFIG);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith(CASES.resolve("errors/syntax.conf") + ":2: ");
    }
}
