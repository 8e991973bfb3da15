package io.github.neo4jbackup.export.cypher.script;

import io.github.neo4jbackup.export.cypher.script.ScriptElement.Command;
import io.github.neo4jbackup.export.cypher.script.ScriptElement.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CypherStatementSplitterTest {

    private static List<String> texts(List<ScriptElement> elements) {
        return elements.stream().map(e -> e instanceof Statement s ? s.text()
                : ":" + ((Command) e).name() + (((Command) e).argument().isEmpty() ? "" : " " + ((Command) e).argument()))
                .toList();
    }

    @Test
    void splitsOnTopLevelSemicolons() throws Exception {
        assertThat(texts(CypherStatementSplitter.splitAll("RETURN 1; RETURN 2;\nRETURN 3")))
                .containsExactly("RETURN 1", "RETURN 2", "RETURN 3");
    }

    @Test
    void honoursQuotesEscapesBackticksAndComments() throws Exception {
        String script = """
                RETURN 'a;b', "c;d", 'it\\'s;', "say \\"hi;\\"", '\\\\';
                MATCH (n:`odd;label`) RETURN n.`x``;y`;
                // a comment; with a semicolon
                RETURN 1 /* block; comment */ + 2;
                RETURN "// not a comment;" AS x; /* trailing; */
                RETURN 'a' // inline; comment
                ;
                """;
        List<ScriptElement> elements = CypherStatementSplitter.splitAll(script);
        assertThat(texts(elements)).containsExactly(
                "RETURN 'a;b', \"c;d\", 'it\\'s;', \"say \\\"hi;\\\"\", '\\\\'",
                "MATCH (n:`odd;label`) RETURN n.`x``;y`",
                "RETURN 1 /* block; comment */ + 2",
                "RETURN \"// not a comment;\" AS x",
                "RETURN 'a' // inline; comment");
        assertThat(elements).allSatisfy(e -> assertThat(((Statement) e).terminated()).isTrue());
        assertThat(elements.get(0).line()).isEqualTo(1);
        assertThat(elements.get(1).line()).isEqualTo(2);
        assertThat(elements.get(2).line()).isEqualTo(4);
        assertThat(elements.get(4).line()).isEqualTo(6);
    }

    @Test
    void recognisesCypherShellCommandsOnTheirOwnLine() throws Exception {
        String script = """
                :begin
                CREATE (:A);
                :COMMIT;
                :param x => 'a;b' ;
                :param {a: 1,
                  b: 'x}y',
                  c: {d: [1, 2]}
                }
                :params
                :rollback
                :use   neo4j
                RETURN $x
                  :begin;
                """;
        List<ScriptElement> elements = CypherStatementSplitter.splitAll(script);
        assertThat(texts(elements)).containsExactly(
                ":begin", "CREATE (:A)", ":commit", ":param x => 'a;b'",
                ":param {a: 1,\n  b: 'x}y',\n  c: {d: [1, 2]}\n}", ":params", ":rollback", ":use neo4j",
                "RETURN $x\n  :begin");
        assertThat(elements.get(3).line()).isEqualTo(4);
        assertThat(elements.get(4).line()).isEqualTo(5);
        assertThat(((Statement) elements.get(8)).terminated()).isTrue();
    }

    @Test
    void lastStatementWithoutSemicolonIsMarkedUnterminated() throws Exception {
        List<ScriptElement> elements = CypherStatementSplitter.splitAll("RETURN 1;\nRETURN 2 // no semicolon ;\n");
        assertThat(elements).hasSize(2);
        assertThat(((Statement) elements.get(1)).terminated()).isFalse();
        assertThat(((Statement) elements.get(1)).text()).isEqualTo("RETURN 2 // no semicolon ;");
    }

    @Test
    void emptyStatementsBomAndCrLfAreHandled() throws Exception {
        assertThat(texts(CypherStatementSplitter.splitAll("\uFEFF;;\r\n:begin\r\nRETURN 1;\r\n ; ;\r\n:commit\r\n")))
                .containsExactly(":begin", "RETURN 1", ":commit");
        assertThat(CypherStatementSplitter.splitAll("  \n// only a comment\n/* and another */ ;")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"RETURN 'abc;", "RETURN \"abc\\\";", "MATCH (n:`abc;", "RETURN 1 /* abc;",
            "/* never closed", ":param {a: 'b'", "RETURN 'abc\\"})
    void truncatedScriptsAreRejected(String script) {
        assertThatThrownBy(() -> CypherStatementSplitter.splitAll("RETURN 0;\n" + script))
                .isInstanceOf(MalformedScriptException.class)
                .hasMessageContaining("truncated")
                .satisfies(e -> assertThat(((MalformedScriptException) e).line()).isEqualTo(2));
    }

    @Test
    void overlongStatementsAreRejected() {
        CypherStatementSplitter splitter = CypherStatementSplitter.of(new StringReader("RETURN 'x';\nRETURN 12345678901;"), 12);
        assertThatThrownBy(() -> {
            while (splitter.next().isPresent()) {
                // drain
            }
        }).isInstanceOf(MalformedScriptException.class).hasMessageContaining("line 2").hasMessageContaining("12");
    }

    @Test
    void schemaCommandsAreRecognised() {
        assertThat(new Statement("CREATE CONSTRAINT x FOR (n:A) REQUIRE n.a IS UNIQUE", 1, true).isSchemaCommand()).isTrue();
        assertThat(new Statement("create fulltext index x for (n:A) on each [n.a]", 1, true).isSchemaCommand()).isTrue();
        assertThat(new Statement("DROP INDEX x", 1, true).isSchemaCommand()).isTrue();
        assertThat(new Statement("CREATE OR REPLACE VECTOR\n INDEX x", 1, true).isSchemaCommand()).isTrue();
        assertThat(new Statement("CREATE (n:Index)", 1, true).isSchemaCommand()).isFalse();
        assertThat(new Statement("UNWIND [1] AS x CREATE INDEX", 1, true).isSchemaCommand()).isFalse();
        assertThat(new Statement("CALL db.awaitIndexes(300)", 1, true).isSchemaCommand()).isFalse();
    }

    @Test
    void excerptsAreShortAndOnOneLine() {
        Statement s = new Statement("UNWIND [{a:\n1}]   AS row\nCREATE (n) SET n = row", 1, true);
        assertThat(s.excerpt(100)).isEqualTo("UNWIND [{a: 1}] AS row CREATE (n) SET n = row");
        assertThat(s.excerpt(10)).isEqualTo("UNWIND [{a...");
    }

    // ------------------------------------------------------------------------------------- fuzz

    private static final String ALPHABET = ";'\"`\\/*:\n\r\t {}abc ü💬$";

    private static String randomContent(Random r) {
        StringBuilder sb = new StringBuilder();
        int n = r.nextInt(12);
        for (int i = 0; i < n; i++) {
            int cp = ALPHABET.codePointAt(ALPHABET.offsetByCodePoints(0, r.nextInt(ALPHABET.codePointCount(0, ALPHABET.length()))));
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }

    private static String quoted(Random r, char quote) {
        StringBuilder sb = new StringBuilder().append(quote);
        for (char c : randomContent(r).toCharArray()) {
            if (c == quote || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        if (r.nextInt(8) == 0) {
            sb.append("\\u00e9"); // an escape sequence that is not a single escaped character
        }
        return sb.append(quote).toString();
    }

    private static String token(Random r) {
        return switch (r.nextInt(9)) {
            case 0 -> quoted(r, '\'');
            case 1 -> quoted(r, '"');
            case 2 -> "`" + randomContent(r).replace("`", "``") + "`";
            case 3 -> "//" + randomContent(r).replace("\n", "").replace("\r", "") + "\n";
            case 4 -> "/*" + randomContent(r).replace("*/", "* /").replace("*", "*x") + "*/";
            case 5 -> "\n  ";
            case 6 -> "{a: [1, 2]}";
            case 7 -> "x:y";
            default -> "WORD" + r.nextInt(100);
        };
    }

    private static String separator(Random r) {
        return switch (r.nextInt(7)) {
            case 0 -> "";
            case 1 -> " ";
            case 2 -> "\n";
            case 3 -> "\n// comment; with ' \" ` quotes\n";
            case 4 -> " /* ; ' \" ` */ ";
            case 5 -> ";";
            default -> "\r\n\t";
        };
    }

    private record Expected(String script, List<String> texts) {
    }

    private static Expected randomScript(Random r) {
        StringBuilder script = new StringBuilder();
        List<String> expected = new ArrayList<>();
        int statements = 1 + r.nextInt(15);
        for (int i = 0; i < statements; i++) {
            if (r.nextInt(4) == 0) {
                String arg = r.nextBoolean() ? "" : "p" + i + " => " + quoted(r, '\'').replace("\n", "").replace("\r", "");
                if (arg.endsWith("\\'") || arg.endsWith(";'")) {
                    arg = "p" + i + " => 1";
                }
                String name = r.nextBoolean() ? "param" : "begin";
                script.append("\n:").append(name).append(arg.isEmpty() ? "" : " " + arg).append('\n');
                expected.add(":" + name + (arg.isEmpty() ? "" : " " + arg));
            }
            StringBuilder text = new StringBuilder("WORD");
            int tokens = r.nextInt(8);
            for (int t = 0; t < tokens; t++) {
                text.append(' ').append(token(r));
            }
            String statement = text.toString();
            script.append(statement).append(r.nextBoolean() ? "\n;" : ";").append(separator(r));
            expected.add(statement.stripTrailing());
        }
        return new Expected(script.toString(), expected);
    }

    /** A reader returning random small chunks, to exercise the buffer boundaries. */
    private static Reader choppy(String text, Random r) {
        return new Reader() {
            private int pos;

            @Override
            public int read(char[] buf, int off, int len) {
                if (pos >= text.length()) {
                    return -1;
                }
                int n = Math.min(Math.min(len, 1 + r.nextInt(3)), text.length() - pos);
                text.getChars(pos, pos + n, buf, off);
                pos += n;
                return n;
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void randomScriptsSplitBackExactly() throws IOException {
        Random seeds = new Random(20260101);
        for (int iteration = 0; iteration < 2000; iteration++) {
            long seed = seeds.nextLong();
            Random r = new Random(seed);
            Expected expected = randomScript(r);
            List<String> actual = new ArrayList<>();
            try (CypherStatementSplitter splitter = CypherStatementSplitter.of(
                    iteration % 2 == 0 ? new StringReader(expected.script()) : choppy(expected.script(), r))) {
                Optional<ScriptElement> next;
                while ((next = splitter.next()).isPresent()) {
                    actual.addAll(texts(List.of(next.get())));
                }
            }
            assertThat(actual).as("seed %d, script:%n%s", seed, expected.script()).isEqualTo(expected.texts());
        }
    }

    @Test
    void randomTruncationsNeverLoseTextSilently() throws IOException {
        Random r = new Random(7);
        for (int iteration = 0; iteration < 500; iteration++) {
            Expected expected = randomScript(r);
            String script = expected.script();
            String cut = script.substring(0, r.nextInt(script.length() + 1));
            List<ScriptElement> elements;
            try {
                elements = CypherStatementSplitter.splitAll(cut);
            } catch (MalformedScriptException e) {
                continue; // detected
            }
            // Otherwise every statement returned as terminated is one of the originals, in order.
            List<String> terminated = new ArrayList<>();
            for (ScriptElement e : elements) {
                if (e instanceof Statement s && s.terminated()) {
                    terminated.add(s.text());
                }
            }
            List<String> originals = expected.texts().stream().filter(t -> !t.startsWith(":")).toList();
            assertThat(originals.subList(0, Math.min(terminated.size(), originals.size()))).isEqualTo(terminated);
        }
    }
}
