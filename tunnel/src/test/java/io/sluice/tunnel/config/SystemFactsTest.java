package io.sluice.tunnel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemFactsTest {
    private static final Path SOMAXCONN = Path.of("/proc/sys/net/core/somaxconn");

    /** On JDK 17, Files.readString of a /proc/sys file returned its first byte only ("4" of "4096"). */
    @Test
    void somaxconnIsTheKernelsWholeValue() throws IOException {
        assumeTrue(Files.isReadable(SOMAXCONN));
        int kernel = Integer.parseInt(Files.readAllLines(SOMAXCONN).get(0).strip());
        assumeTrue(kernel >= 10, "a multi-digit somaxconn");

        assertThat(SystemFacts.current().somaxconn()).isEqualTo(kernel);
    }

    @Test
    void somaxconnIsReadWholeAndFallsBackWhenUnusable(@TempDir Path dir) throws IOException {
        assertThat(SystemFacts.readSomaxconn(Files.writeString(dir.resolve("a"), "65535\n"))).isEqualTo(65535);
        assertThat(SystemFacts.readSomaxconn(Files.writeString(dir.resolve("b"), "0\n")))
                .isEqualTo(SystemFacts.FALLBACK_SOMAXCONN);
        assertThat(SystemFacts.readSomaxconn(Files.writeString(dir.resolve("c"), "many\n")))
                .isEqualTo(SystemFacts.FALLBACK_SOMAXCONN);
        assertThat(SystemFacts.readSomaxconn(dir.resolve("missing"))).isEqualTo(SystemFacts.FALLBACK_SOMAXCONN);
    }

    @Test
    void theListenBacklogDefaultIsSomaxconnButAtLeast1024() {
        assertThat(new SystemFacts(Map.of(), 4096).defaultListenBacklog()).isEqualTo(4096);
        assertThat(new SystemFacts(Map.of(), 128).defaultListenBacklog()).isEqualTo(1024);
    }
}
