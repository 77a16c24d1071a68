package io.sluice.tunnel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every {@code docs/examples/*.yaml} is a valid configuration: the examples users copy must load. */
class ExamplesLoadTest {
    static final Path EXAMPLES = Path.of("../docs/examples");

    static List<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @Test
    void thereAreExamples() throws IOException {
        assertThat(examples()).extracting(p -> p.getFileName().toString())
                .contains("echo-unix.yaml", "echo-tcp.yaml");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void loads(Path example) {
        assertThatCode(() -> ConfigLoader.load(example)).doesNotThrowAnyException();
    }
}
