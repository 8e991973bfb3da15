package io.github.neo4jbackup.export.cypher.apoc;

import io.github.neo4jbackup.core.spi.ExportContext;
import org.neo4j.driver.Record;
import org.neo4j.driver.Result;
import org.neo4j.driver.Value;

import java.io.IOException;
import java.io.Reader;
import java.util.function.Predicate;

/**
 * The {@code cypherStatements} of every row of a streaming APOC export, as one character stream:
 * rows are fetched from the result only when the previous one is used up, so at most one row
 * (one APOC batch) is held. Remembers the running totals APOC reports (cumulative in APOC 5.26:
 * the last row holds the totals of the whole export).
 */
final class ApocRowReader extends Reader {

    private final Result result;
    private final Predicate<Result> hasNext;
    private final IdentifierRepair repair;
    private final ExportContext context;
    private String current = "";
    private int position;
    private long rows;
    private long nodes = -1;
    private long relationships = -1;
    private String sourceSummary;

    ApocRowReader(Result result, IdentifierRepair repair, ExportContext context) {
        this(result, Result::hasNext, repair, context);
    }

    /** With {@code hasNext} in place of {@link Result#hasNext()} (e.g. under a stall watchdog). */
    ApocRowReader(Result result, Predicate<Result> hasNext, IdentifierRepair repair, ExportContext context) {
        this.result = result;
        this.hasNext = hasNext;
        this.repair = repair;
        this.context = context;
    }

    long rows() {
        return rows;
    }

    long nodes() {
        return nodes;
    }

    long relationships() {
        return relationships;
    }

    String sourceSummary() {
        return sourceSummary;
    }

    @Override
    public int read(char[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (position >= current.length()) {
            if (!nextRow()) {
                return -1;
            }
        }
        int n = Math.min(length, current.length() - position);
        current.getChars(position, position + n, buffer, offset);
        position += n;
        return n;
    }

    private boolean nextRow() throws IOException {
        if (context.cancelled()) {
            throw new IOException("Backup cancelled while APOC was exporting (after " + rows + " rows)");
        }
        if (!hasNext.test(result)) {
            return false;
        }
        Record row = result.next();
        rows++;
        long previousNodes = Math.max(0, nodes);
        long previousRelationships = Math.max(0, relationships);
        nodes = asLong(row.get("nodes"), nodes);
        relationships = asLong(row.get("relationships"), relationships);
        Value source = row.get("source");
        if (!source.isNull()) {
            sourceSummary = source.asString();
        }
        long delta = Math.max(0, nodes - previousNodes) + Math.max(0, relationships - previousRelationships);
        if (delta > 0) {
            context.recordsExported(delta);
        }
        Value statements = row.get("cypherStatements");
        String text = statements.isNull() ? "" : statements.asString();
        text = repair.apply(text);
        if (!text.isEmpty() && !text.endsWith("\n") && repair.atTopLevel()) {
            text = text + "\n"; // keep a command on the last line of a row apart from the next row
        }
        current = text;
        position = 0;
        return true;
    }

    private static long asLong(Value value, long fallback) {
        return value.isNull() ? fallback : value.asLong();
    }

    @Override
    public void close() {
        // the result belongs to the session of the caller
    }
}
