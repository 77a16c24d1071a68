package io.sluice.tunnel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.spawner.spec.InvalidOptionException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OriginPolicyTest {
    /** lighttpd-semantics.md §2.5: origins = ("example.com", "https://exact.org"). */
    private final OriginPolicy lighttpdTable = OriginPolicy.of(List.of("example.com", "https://exact.org"));

    /**
     * lighttpd's empirical table with our results. Differences, on purpose: we parse origins, so a bare host admits
     * itself under any scheme and port (lighttpd refused {@code http://example.com} and {@code :8443}), host case does
     * not matter ({@code EXAMPLE.com}), and a header without a scheme is not an origin (lighttpd admitted
     * {@code example.com} by byte equality). The missing header is refused (lighttpd: 400, decided by the handler).
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "(absent)", value = {
        "(absent)                     | false",
        "http://example.com           | true",
        "https://www.example.com      | true",
        "http://evil.example.com      | true",
        "https://www.example.com:8443 | true",
        "https://EXAMPLE.com          | true",
        "example.com                  | false",
        "https://exact.org            | true",
        "http://exact.org             | false",
        "https://sub.exact.org        | false",
        "null                         | false",
    })
    void decidesTheLighttpdTableByParsedOrigins(String origin, boolean allowed) {
        assertThat(lighttpdTable.allows(origin)).isEqualTo(allowed);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "https://exact.org:443  | true",
        "HTTPS://Exact.ORG      | true",
        "https://exact.org:8443 | false",
        "https://exact.org/     | false",
        "https://notexample.com | false",
        "https://example.com.evil.net | false",
        "''                     | false",
        "garbage                | false",
    })
    void matchesExactOriginsWithDefaultPortsAndRefusesLookalikes(String origin, boolean allowed) {
        assertThat(lighttpdTable.allows(origin)).isEqualTo(allowed);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "ws://example.com                         | true",
        "wss://a.example.com:8443                 | true",
        "file://example.com                       | false",
        "javascript://example.com                 | false",
        "chrome-extension://example.com           | false",
        "moz-extension://www.example.com          | false",
        "chrome-extension://abcdefghijklmnop      | true",
    })
    void aBareHostAdmitsOnlyWebSchemesAndAnExactEntryNamesAnyOther(String origin, boolean allowed) {
        OriginPolicy policy = OriginPolicy.of(List.of("example.com", "chrome-extension://abcdefghijklmnop"));
        assertThat(policy.allows(origin)).isEqualTo(allowed);
    }

    @Test
    void comparesAnExplicitPortWithTheSchemeDefault() {
        OriginPolicy policy = OriginPolicy.of(List.of("http://app.example.com:80", "https://app.example.com:8443"));

        assertThat(policy.allows("http://app.example.com")).isTrue();
        assertThat(policy.allows("https://app.example.com:8443")).isTrue();
        assertThat(policy.allows("https://app.example.com")).isFalse();
    }

    @Test
    void starAllowsEverythingAndNeedsNoHeader() {
        OriginPolicy policy = OriginPolicy.of(List.of("*"));

        assertThat(policy.checks()).isFalse();
        assertThat(policy.allows(null)).isTrue();
        assertThat(policy.allows("null")).isTrue();
    }

    @Test
    void anEmptyListChecksNothing() {
        assertThat(OriginPolicy.of(List.of()).checks()).isFalse();
        assertThat(OriginPolicy.any().checks()).isFalse();
        assertThat(OriginPolicy.any().allows(null)).isTrue();
        assertThat(lighttpdTable.checks()).isTrue();
    }

    @Test
    void reportsEveryBadEntryByIndex() {
        assertThatThrownBy(() -> OriginPolicy.of(List.of("ok.example.com", "", "https://x.example/app")))
                .isInstanceOfSatisfying(InvalidOptionException.class, e -> {
                    assertThat(e.option()).isEqualTo("origins[1]");
                    assertThat(e.getSuppressed()).singleElement()
                            .satisfies(s -> assertThat(((InvalidOptionException) s).option())
                                    .isEqualTo("origins[2]"));
                });
    }
}
