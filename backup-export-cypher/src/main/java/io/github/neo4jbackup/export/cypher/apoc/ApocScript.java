package io.github.neo4jbackup.export.cypher.apoc;

import io.github.neo4jbackup.core.SourceFailedException;
import io.github.neo4jbackup.export.cypher.schema.DatabaseSchema;
import io.github.neo4jbackup.export.cypher.schema.SchemaWriter;
import io.github.neo4jbackup.export.cypher.script.CypherStatementSplitter;
import io.github.neo4jbackup.export.cypher.script.MalformedScriptException;
import io.github.neo4jbackup.export.cypher.script.ScriptElement;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The script an APOC export writes, in order: a header comment; the complete DDL of the constraints
 * and LOOKUP indexes; APOC's statements and commands, copied as they stream without APOC's own schema
 * statements (except those of its temporary {@code UNIQUE IMPORT} constraint, which the data
 * statements rely on), checking that the stream ends outside any {@code :begin} block; the
 * {@link Float32Pass}; every other index; and {@code CALL db.awaitIndexes(..)}. Written as UTF-8.
 */
final class ApocScript {

    private static final String UNIQUE_IMPORT_LABEL = "UNIQUE IMPORT LABEL";
    private static final String UNIQUE_IMPORT_CONSTRAINT = "UNIQUE_IMPORT_NAME";

    /**
     * What the copy of APOC's stream saw.
     *
     * @param rows                    result rows (batches)
     * @param nodes                   APOC's total of exported nodes (its last row's), or -1
     * @param relationships           APOC's total of exported relationships, or -1
     * @param statements              statements copied
     * @param schemaStatementsRemoved APOC's schema statements left out
     * @param apocSource              APOC's summary of its source, or {@code null}
     */
    record Copy(long rows, long nodes, long relationships, long statements, long schemaStatementsRemoved,
                String apocSource) {
    }

    private final Writer writer;
    private final String database;

    ApocScript(OutputStream out, String database) {
        this.writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
        this.database = database;
    }

    /** Writes the header comment and the DDL that goes before the data. */
    void beforeData(ApocProbe probe, DatabaseSchema schema) throws IOException {
        writer.write("// neo4j-backup " + ApocCypherSource.TYPE + ": database '" + database + "', Neo4j "
                + probe.neo4jVersion() + " " + probe.edition() + ", APOC " + probe.apocVersion()
                + ".\n// Replay into an empty database with cypher-shell -f, or with CypherScriptSink.\n");
        writeDdl("Constraints and LOOKUP indexes (complete DDL read by neo4j-backup)",
                SchemaWriter.statements(schema, SchemaWriter.Phase.BEFORE_DATA));
    }

    /**
     * Writes the float32 pass, the indexes created after the data and the wait for them, and
     * flushes.
     */
    void afterData(List<String> float32Pass, DatabaseSchema schema, Duration awaitIndexesTimeout)
            throws IOException {
        writeDdl("32-bit float arrays (FloatArray in the source, e.g. vectors): the data above holds them as "
                + "64-bit floats; each element is the float's shortest decimal, which narrows back to the same float",
                float32Pass);
        writeDdl("Indexes (complete DDL read by neo4j-backup), created after the data",
                SchemaWriter.statements(schema, SchemaWriter.Phase.AFTER_DATA));
        writer.write("CALL db.awaitIndexes(" + Math.max(1, awaitIndexesTimeout.toSeconds()) + ");\n");
        writer.flush();
    }

    /**
     * Copies APOC's statements and commands, without APOC's own schema statements (except its temporary
     * UNIQUE IMPORT constraint), checking that the stream ends outside any {@code :begin} block.
     *
     * @throws SourceFailedException when the stream is truncated or not a valid script
     */
    Copy copy(ApocRowReader rows) throws IOException {
        long statements = 0;
        long removed = 0;
        boolean inBlock = false;
        try (CypherStatementSplitter splitter = CypherStatementSplitter.of(rows)) {
            Optional<ScriptElement> next;
            while ((next = splitter.next()).isPresent()) {
                ScriptElement element = next.get();
                if (element instanceof ScriptElement.Statement statement) {
                    if (!statement.terminated()) {
                        throw new SourceFailedException("APOC's export of database '" + database + "' ended in the middle "
                                + "of a statement (line " + statement.line() + "): the stream is truncated. Nothing "
                                + "was stored; run the backup again.", null);
                    }
                    if (statement.isSchemaCommand() && !isUniqueImportSchema(statement.text())) {
                        removed++;
                        continue;
                    }
                    writer.write(statement.text());
                    writer.write(";\n");
                    statements++;
                } else {
                    ScriptElement.Command command = (ScriptElement.Command) element;
                    if (command.name().equals("begin")) {
                        inBlock = true;
                    } else if (command.name().equals("commit") || command.name().equals("rollback")) {
                        inBlock = false;
                    }
                    writer.write(":" + command.name() + (command.argument().isEmpty() ? "" : " " + command.argument())
                            + "\n");
                }
            }
        } catch (MalformedScriptException e) {
            throw new SourceFailedException("APOC's export of database '" + database + "' is not a valid script: "
                    + e.getMessage() + ". Nothing was stored.", e);
        }
        if (inBlock) {
            throw new SourceFailedException("APOC's export of database '" + database + "' ended inside a :begin block "
                    + "after " + rows.rows() + " rows: the stream is truncated. Nothing was stored; run the backup again.",
                    null);
        }
        return new Copy(rows.rows(), rows.nodes(), rows.relationships(), statements, removed, rows.sourceSummary());
    }

    private static boolean isUniqueImportSchema(String statement) {
        return statement.contains(UNIQUE_IMPORT_LABEL) || statement.contains(UNIQUE_IMPORT_CONSTRAINT);
    }

    private void writeDdl(String comment, List<String> statements) throws IOException {
        if (statements.isEmpty()) {
            return;
        }
        writer.write("// " + comment + "\n");
        for (String ddl : statements) {
            writer.write(ddl);
            writer.write(";\n");
        }
    }
}
