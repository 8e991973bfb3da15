package io.github.neo4jbackup.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArgvTokenizerTest {

    @Test
    void splitsOnWhiteSpace() {
        assertThat(ArgvTokenizer.split("  docker   exec\tneo4j neo4j-admin ")).containsExactly("docker", "exec", "neo4j",
                "neo4j-admin");
    }

    @Test
    void honoursQuotes() {
        assertThat(ArgvTokenizer.split("sh -c 'echo $HOME; ls' \"a b\" c\"d e\"f"))
                .containsExactly("sh", "-c", "echo $HOME; ls", "a b", "cd ef");
    }

    @Test
    void escapes() {
        assertThat(ArgvTokenizer.split("a\\ b \"q\\\"x\\\\\" 'no\\escape'"))
                .containsExactly("a b", "q\"x\\", "no\\escape");
    }

    @Test
    void emptyQuotedWordIsKept() {
        assertThat(ArgvTokenizer.split("cmd '' \"\"")).containsExactly("cmd", "", "");
    }

    @Test
    void shellMetacharactersAreLiteral() {
        assertThat(ArgvTokenizer.split("echo a|b > c && rm -rf /")).isEqualTo(List.of("echo", "a|b", ">", "c", "&&",
                "rm", "-rf", "/"));
    }

    @Test
    void rejectsBrokenInput() {
        assertThatThrownBy(() -> ArgvTokenizer.split("docker 'stop")).isInstanceOf(CliException.class)
                .hasMessageContaining("unclosed '");
        assertThatThrownBy(() -> ArgvTokenizer.split("docker \"stop")).hasMessageContaining("unclosed \"");
        assertThatThrownBy(() -> ArgvTokenizer.split("docker\\")).hasMessageContaining("backslash");
        assertThatThrownBy(() -> ArgvTokenizer.split("   ")).hasMessageContaining("empty");
        assertThat(((CliException) org.assertj.core.api.Assertions.catchThrowable(() -> ArgvTokenizer.split("")))
                .exitCode()).isEqualTo(ExitCodes.USAGE);
    }
}
