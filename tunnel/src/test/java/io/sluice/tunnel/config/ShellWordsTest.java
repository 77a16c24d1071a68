package io.sluice.tunnel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ShellWordsTest {

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of("./echo --fast", List.of("./echo", "--fast")),
                Arguments.of("/x a  b", List.of("/x", "a", "b")),
                Arguments.of("  \t/x\ta\n b  ", List.of("/x", "a", "b")),
                Arguments.of("/x 'a b' c", List.of("/x", "a b", "c")),
                Arguments.of("/x 'a \\ \" b'", List.of("/x", "a \\ \" b")),
                Arguments.of("/x \"a \\\"b\\\" \\\\ \\$ \\`\"", List.of("/x", "a \"b\" \\ $ `")),
                Arguments.of("/x \"a\\nb\"", List.of("/x", "a\\nb")),
                Arguments.of("/x a\\ b \\'c\\\"", List.of("/x", "a b", "'c\"")),
                Arguments.of("/x '' \"\" e", List.of("/x", "", "", "e")),
                Arguments.of("/x \"a\"'b'c", List.of("/x", "abc")),
                Arguments.of("/x 'it'\\''s'", List.of("/x", "it's")),
                Arguments.of("/x $HOME *.txt ~ a;b |c", List.of("/x", "$HOME", "*.txt", "~", "a;b", "|c")),
                Arguments.of("", List.of()),
                Arguments.of("   ", List.of()));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("table")
    void splitsLikeAShellWithoutExpansion(String text, List<String> argv) {
        assertThat(ShellWords.split(text)).containsExactlyElementsOf(argv);
    }

    @Test
    void rejectsAnUnterminatedSingleQuoteWithItsColumn() {
        assertThatThrownBy(() -> ShellWords.split("/x 'a b"))
                .hasMessage("unterminated single quote (opened at column 4 of the string)");
    }

    @Test
    void rejectsAnUnterminatedDoubleQuoteEvenWhenTheLastQuoteIsEscaped() {
        assertThatThrownBy(() -> ShellWords.split("/x \"a \\\""))
                .hasMessage("unterminated double quote (opened at column 4 of the string)");
    }

    @Test
    void rejectsATrailingBackslash() {
        assertThatThrownBy(() -> ShellWords.split("/x a\\"))
                .hasMessageStartingWith("ends with a lone backslash");
    }
}
