package io.sluice.tunnel.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** docs/configuration.md names every option of {@link ConfigOption} (in backticks), so the docs cannot fall behind. */
class DocsCoverageTest {

    @Test
    void everyOptionIsDocumented() throws IOException {
        String docs = Files.readString(Path.of("../docs/configuration.md"));

        assertThat(Arrays.stream(ConfigOption.values()).map(ConfigOption::docName))
                .allSatisfy(name -> assertThat(docs).as("docs/configuration.md mentions `%s`", name)
                        .contains("`" + name + "`"));
    }

    @Test
    void everyOptionNotSupportedYetIsListedAsSuch() throws IOException {
        String docs = Files.readString(Path.of("../docs/configuration.md"));
        String notYet = docs.substring(docs.indexOf("## Not supported yet"));

        assertThat(Arrays.stream(ConfigOption.values()).filter(o -> !o.supported()).map(ConfigOption::docName))
                .allSatisfy(name -> assertThat(notYet).contains("`" + name + "`"));
    }
}
