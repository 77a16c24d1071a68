package io.sluice.tunnel.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How a comma-separated header value is searched for a token ({@code Connection: keep-alive, Upgrade}). */
class HandshakeTokenTest {

    @ParameterizedTest
    @ValueSource(strings = {"upgrade", "Upgrade", "UPGRADE", " upgrade ", "\tupgrade\t", "keep-alive, Upgrade",
            "Upgrade,keep-alive", "x,,upgrade", "a , upgrade , b", ",upgrade,"})
    void findsTheTokenAsOneElement(String value) {
        assertThat(Handshake.hasToken(value, "upgrade")).as(value).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ",", "upgrades", "up grade", "keep-alive", "upgrade2", "xupgrade", "\"upgrade\"",
            "upgrad", "keep-alive;upgrade"})
    void refusesAnythingElse(String value) {
        assertThat(Handshake.hasToken(value, "upgrade")).as(value).isFalse();
    }

    @Test
    void noHeaderHasNoToken() {
        assertThat(Handshake.hasToken(null, "websocket")).isFalse();
    }
}
