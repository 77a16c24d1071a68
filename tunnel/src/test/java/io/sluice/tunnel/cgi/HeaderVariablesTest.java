package io.sluice.tunnel.cgi;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HeaderVariablesTest {
    private static final String ALPHABET = "aAbB-_.0 :\u00e9";

    @Test
    void randomHostileNamesNeverCollideAndMapExactlyWhenTheyAreLettersDigitsAndDashes() {
        Random random = new Random(9);
        for (int round = 0; round < 500; round++) {
            List<String> names = new ArrayList<>();
            List<String> values = new ArrayList<>();
            HttpHeaders headers = CgiEnvironmentTest.headers();
            for (int i = random.nextInt(12); i > 0; i--) {
                StringBuilder name = new StringBuilder();
                for (int n = random.nextInt(4); n >= 0; n--) {
                    name.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                }
                String value = "v" + round + "." + i;
                headers.add(name.toString(), value);
                names.add(name.toString());
                values.add(value);
            }

            // byName fails on a duplicate variable name.
            Map<String, String> env = CgiEnvironmentTest.text(CgiEnvironment.entries(
                    CgiEnvironmentTest.request(headers), new CgiSession("/r", "s", false, "sluice/dev")));

            Map<String, String> expected = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                if (name.matches("[A-Za-z0-9-]+")) {
                    expected.merge("HTTP_" + name.toUpperCase(Locale.ROOT).replace('-', '_'), values.get(i),
                            (a, b) -> a + ", " + b);
                }
            }
            Map<String, String> actual = new LinkedHashMap<>(env);
            actual.keySet().removeIf(k -> !k.startsWith("HTTP_"));
            assertThat(actual).as("round %d: %s", round, names).isEqualTo(expected);
        }
    }

    @Test
    void variableNames() {
        assertThat(HeaderVariables.variableName("Sec-WebSocket-Protocol")).isEqualTo("HTTP_SEC_WEBSOCKET_PROTOCOL");
        assertThat(HeaderVariables.variableName("x")).isEqualTo("HTTP_X");
        assertThat(HeaderVariables.variableName("X_Y")).isNull();
        assertThat(HeaderVariables.variableName("X.Y")).isNull();
        assertThat(HeaderVariables.variableName("")).isNull();
        assertThat(HeaderVariables.variableName("\u0130")).isNull();
    }
}
