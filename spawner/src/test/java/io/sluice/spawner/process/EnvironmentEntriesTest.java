package io.sluice.spawner.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentEntriesTest {

    @Test
    void specVariablesSortedThenSessionEntriesReplacingByNameThenTheToken() {
        List<byte[]> merged = EnvironmentEntries.merge(Map.of("B", "2", "A", "1", "SLUICE_INSTANCE", "spec"),
                List.of(bytes("B=session"), bytes("C=x=y")), "tok");

        assertThat(merged).extracting(EnvironmentEntriesTest::text)
                .containsExactly("A=1", "B=session", "C=x=y", "SLUICE_INSTANCE=tok");
    }

    @Test
    void sessionValuesStayByteExact() {
        byte[] latin1 = {'X', '=', (byte) 0xE9, (byte) 0xFF, 0x01};

        assertThat(EnvironmentEntries.merge(Map.of(), List.of(latin1), null)).containsExactly(latin1);
    }

    @Test
    void specValuesAreUtf8() {
        assertThat(EnvironmentEntries.merge(Map.of("N", "caf\u00e9"), List.of(), null))
                .containsExactly("N=caf\u00e9".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void malformedSessionEntriesAreRefused() {
        assertThatThrownBy(() -> EnvironmentEntries.merge(Map.of(), List.of(bytes("NOVALUE")), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NAME=value");
        assertThatThrownBy(() -> EnvironmentEntries.merge(Map.of(), List.of(bytes("=x")), null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EnvironmentEntries.merge(Map.of(), List.of(new byte[] {'A', '=', 0}), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NUL");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
