package io.github.neo4jbackup.export.cypher.script;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link ReadAhead}: order, the reader's failure in its place, and stopping. */
class ReadAheadTest {

    /** A script that fails to read after its text, like a stream whose checksum turns out wrong at the end. */
    private static Reader failingAfter(String text) {
        StringReader delegate = new StringReader(text);
        return new Reader() {
            @Override
            public int read(char[] buf, int off, int len) throws IOException {
                int n = delegate.read(buf, off, len);
                if (n < 0) {
                    throw new IOException("the stream broke");
                }
                return n;
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void elementsComeInOrderAndTheReadersFailureComesInItsPlace() throws IOException {
        String script = ":begin\nUNWIND [{i:1}] AS row CREATE (:N {i: row.i});\nCREATE (:M);\n:commit\n";
        try (ReadAhead ahead = new ReadAhead(CypherStatementSplitter.of(failingAfter(script)), true)) {
            assertThat(ahead.next().orElseThrow().element()).isInstanceOf(ScriptElement.Command.class);
            ReadAhead.Prepared rows = ahead.next().orElseThrow();
            assertThat(rows.rowsMoved()).isTrue();
            assertThat(rows.text()).startsWith("UNWIND $" + UnwindRows.PARAMETER);
            ReadAhead.Prepared plain = ahead.next().orElseThrow();
            assertThat(plain.rowsMoved()).isFalse();
            assertThat(plain.text()).isEqualTo("CREATE (:M)");
            assertThat(ahead.next().orElseThrow().element()).isInstanceOf(ScriptElement.Command.class);
            assertThatThrownBy(ahead::next).isInstanceOf(IOException.class).hasMessageContaining("the stream broke");
            assertThatThrownBy(ahead::next).isInstanceOf(IOException.class).hasMessageContaining("the stream broke");
        }
    }

    @Test
    void theEndIsReportedAgainAndNothingIsRewrittenWhenSwitchedOff() throws IOException {
        try (ReadAhead ahead = new ReadAhead(CypherStatementSplitter.of(new StringReader(
                "UNWIND [{i:1}] AS row CREATE (:N {i: row.i});\n")), false)) {
            assertThat(ahead.next().orElseThrow().text()).isEqualTo("UNWIND [{i:1}] AS row CREATE (:N {i: row.i})");
            assertThat(ahead.next()).isEqualTo(Optional.empty());
            assertThat(ahead.next()).isEqualTo(Optional.empty());
        }
    }

    @Test
    void closeStopsAReaderThatWaitsForRoom() throws Exception {
        StringBuilder script = new StringBuilder();
        for (int i = 0; i < 1_000; i++) {
            script.append("CREATE (:N {i: ").append(i).append("});\n");
        }
        ReadAhead ahead = new ReadAhead(CypherStatementSplitter.of(new StringReader(script.toString())), true);
        assertThat(ahead.next()).isPresent();
        Thread.sleep(200); // the queue fills up; the reader waits
        ahead.close();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals(ReadAhead.THREAD_NAME));
    }
}
