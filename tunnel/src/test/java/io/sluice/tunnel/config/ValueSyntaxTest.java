package io.sluice.tunnel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValueSyntaxTest {

    @ParameterizedTest(name = "{0} = {1} ms")
    @CsvSource({"250ms, 250", "30s, 30000", "5m, 300000", "1h, 3600000", "0, 0", "45, 45000"})
    void readsDurationStrings(String text, long millis) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1s", "1.5s", "5d", "s", "10 sec", ""})
    void refusesMalformedOrNegativeDurations(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void formatsDurationsInTheShortestExactForm() {
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Duration.ofSeconds(90)).extracting(Durations::format).isEqualTo("90s");
        assertThat(Durations.format(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
    }

    @ParameterizedTest(name = "{0} = {1} bytes")
    @CsvSource({"64KiB, 65536", "16MiB, 16777216", "1GiB, 1073741824", "100B, 100", "7, 7"})
    void readsSizeStrings(String text, long bytes) {
        assertThat(ByteSizes.parse(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"16MB", "-1KiB", "1.5MiB", "KiB", "99999999999999GiB"})
    void refusesMalformedNegativeOrHugeSizes(String text) {
        assertThatThrownBy(() -> ByteSizes.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "none", value = {
        "max_procs, max-procs", "MAX-PROCS, max-procs", "conect-timeout, connect-timeout",
        "sockte, socket", "colour, none", "x, none"})
    void suggestsTheNearestOption(String typed, String expected) {
        assertThat(NearMiss.suggest(typed, ConfigOption.keysAt(ConfigOption.Place.HOST))).isEqualTo(expected);
    }
}
