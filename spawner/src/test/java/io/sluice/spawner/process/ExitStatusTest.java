package io.sluice.spawner.process;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExitStatusTest {

    @ParameterizedTest
    @CsvSource({
        "0x0000, exited with code 0",
        "0x0300, exited with code 3",
        "0xff00, exited with code 255",
        "0x000f, killed by signal 15 (TERM)",
        "0x0009, killed by signal 9 (KILL)",
        "0x008b, killed by signal 11 (SEGV)",
    })
    void decodesRawWaitStatuses(String raw, String description) {
        ExitStatus status = ExitStatus.fromWaitStatus(Integer.decode(raw));

        assertThat(status.describe()).isEqualTo(description);
    }

    @ParameterizedTest
    @CsvSource({
        "0x0000, exit 0",
        "0x0300, exit 3",
        "0x000f, killed by SIGTERM",
        "0x008b, killed by SIGSEGV",
        "0x0050, killed by signal 80",
    })
    void briefFormIsWhatACloseReasonCarries(String raw, String brief) {
        assertThat(ExitStatus.fromWaitStatus(Integer.decode(raw)).brief()).isEqualTo(brief);
    }
}
