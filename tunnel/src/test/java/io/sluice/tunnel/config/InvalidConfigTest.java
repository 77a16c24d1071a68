package io.sluice.tunnel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code config/invalid/<case>.yaml} must fail with exactly the lines of {@code <case>.expected}: what
 * {@code sluice check} prints, the file named as given ({@code <case>.yaml}). Adding a case is adding two files.
 */
class InvalidConfigTest {
    static final Path CASES = Path.of("src/test/resources/config/invalid");

    static Stream<String> cases() throws IOException {
        try (Stream<Path> files = Files.list(CASES)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml"))
                    .map(n -> n.substring(0, n.length() - ".yaml".length()))
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reportsEveryProblemWithItsPlace(String name) throws IOException {
        String yaml = Files.readString(CASES.resolve(name + ".yaml"), StandardCharsets.UTF_8);
        Path expectedFile = CASES.resolve(name + ".expected");

        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.parse(yaml, Path.of(name + ".yaml")));

        assertThat(e).as("%s must be rejected", name).isNotNull();
        List<String> actual = e.problems().stream().map(ConfigProblem::format).toList();
        assertThat(expectedFile).as("expected output for %s; actual:%n%s", name, String.join("\n", actual))
                .exists();
        List<String> expected = Files.readAllLines(expectedFile, StandardCharsets.UTF_8).stream()
                .filter(line -> !line.isBlank())
                .toList();
        assertThat(actual).containsExactlyElementsOf(expected);
        assertThat(e.getMessage()).isEqualTo(String.join("\n", expected));
    }
}
