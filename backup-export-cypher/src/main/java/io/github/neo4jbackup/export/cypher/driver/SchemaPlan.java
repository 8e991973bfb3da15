package io.github.neo4jbackup.export.cypher.driver;

import io.github.neo4jbackup.core.RestoreFailedException;
import io.github.neo4jbackup.export.cypher.Neo4jVersion;
import io.github.neo4jbackup.export.cypher.ServerInfo;
import io.github.neo4jbackup.export.cypher.schema.ConstraintDefinition;
import io.github.neo4jbackup.export.cypher.schema.DatabaseSchema;
import io.github.neo4jbackup.export.cypher.schema.IndexDefinition;
import io.github.neo4jbackup.export.cypher.schema.SchemaCompatibility;
import io.github.neo4jbackup.export.cypher.schema.SchemaDefinition;
import io.github.neo4jbackup.export.cypher.schema.SchemaReader;
import io.github.neo4jbackup.export.cypher.schema.SchemaStatements;
import org.neo4j.driver.Driver;
import org.neo4j.driver.exceptions.Neo4jException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * The schema side of one driver restore across server versions. Before anything is written it
 * reads the backup's schema statements (they come first in the stream), asks the target's version
 * and adapts each statement to it ({@link SchemaCompatibility#adapt}); when the target cannot hold
 * something, the restore is refused naming both versions and what does not fit. After the load it
 * compares the schema the target created with the backup's: exact (same fingerprint), equivalent
 * (only providers and new defaults differ: reported as what the target chose) or different (a
 * warning listing the differences).
 */
final class SchemaPlan {

    /** Result attribute: {@code exact}, {@code equivalent} or {@code differs}. */
    static final String SCHEMA_ATTRIBUTE = "restore.schema";
    /** Result attribute: what the target chose (providers, new option defaults). */
    static final String CHOICES_ATTRIBUTE = "restore.schema.targetChoices";
    /** Result attribute: a note for the user (printed by the command line after a restore). */
    static final String NOTE_ATTRIBUTE = "restore.note";
    /** Result attribute: the translations made for the target version. */
    static final String TRANSLATIONS_ATTRIBUTE = "restore.schema.translations";

    private static final Logger LOG = LoggerFactory.getLogger(SchemaPlan.class);

    private final Driver driver;
    private final String database;
    private final String what;
    private final String sourceVersion;
    private final ServerInfo target;
    private final Deque<GraphRecord> ahead;
    private final DatabaseSchema expected;
    private final List<String> translations;

    private SchemaPlan(Driver driver, String database, String what, String sourceVersion, ServerInfo target,
                       Deque<GraphRecord> ahead, DatabaseSchema expected, List<String> translations) {
        this.driver = driver;
        this.database = database;
        this.what = what;
        this.sourceVersion = sourceVersion;
        this.target = target;
        this.ahead = ahead;
        this.expected = expected;
        this.translations = translations;
    }

    /**
     * Reads the schema statements, checks and adapts them for the target.
     *
     * @throws RestoreFailedException when the target cannot hold the schema (nothing was changed)
     * @throws IOException            when the stream cannot be read
     */
    static SchemaPlan prepare(Driver driver, String database, String what, GraphRecord.Header header,
                              GraphFileReader reader) throws IOException {
        ServerInfo target;
        try {
            target = ServerInfo.probe(driver, database);
        } catch (Neo4jException e) {
            target = ServerInfo.UNKNOWN; // the empty-target check reports an unreachable server
        }
        Neo4jVersion targetVersion = target.parsedVersion().orElse(null);
        Deque<GraphRecord> ahead = new ArrayDeque<>();
        List<IndexDefinition> indexes = new ArrayList<>();
        List<ConstraintDefinition> constraints = new ArrayList<>();
        boolean complete = true;
        List<String> translations = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        GraphRecord record;
        while ((record = reader.next()) instanceof GraphRecord.SchemaStatement s) {
            SchemaDefinition definition = SchemaStatements.parse(s.cypher()).orElse(null);
            if (definition == null) {
                complete = false;
                ahead.add(s);
                continue;
            }
            if (definition instanceof IndexDefinition i) {
                indexes.add(i);
            } else {
                constraints.add((ConstraintDefinition) definition);
            }
            SchemaDefinition adapted = SchemaCompatibility.adapt(definition, targetVersion, translations, problems);
            ahead.add(adapted == definition ? s : new GraphRecord.SchemaStatement(s.kind(), s.name(), adapted.toCypher()));
        }
        if (record != null) {
            ahead.add(record);
        }
        String source = header.neo4jVersion() == null ? "an unknown Neo4j version" : "Neo4j " + header.neo4jVersion();
        if (!problems.isEmpty()) {
            throw new RestoreFailedException("Cannot restore " + what + " (taken from " + source + ") into database '"
                    + database + "' on " + target.describe() + ": " + String.join("; ", problems) + ". Nothing was "
                    + "changed. Restore into a server of version " + (header.neo4jVersion() == null ? "the source's"
                    : header.neo4jVersion()) + " or newer, or change these indexes on the source (drop and re-create "
                    + "them with options the target knows) and back up again.", null);
        }
        if (!translations.isEmpty()) {
            LOG.info("Restore of {} from {} into {}: {}", what, source, target.describe(),
                    String.join("; ", translations));
        }
        return new SchemaPlan(driver, database, what, header.neo4jVersion(), target, ahead,
                complete ? DatabaseSchema.of(indexes, constraints) : null, List.copyOf(translations));
    }

    /** The next record: the ones read ahead (schema statements adapted) first, then the stream's. */
    GraphRecord next(GraphFileReader reader) throws IOException {
        return ahead.isEmpty() ? reader.next() : ahead.poll();
    }

    /**
     * Compares the restored schema with the backup's and records the outcome in the attributes.
     *
     * @param expectedFingerprint the backup's schema fingerprint, or null
     * @param actualFingerprint   the restored database's
     * @param attributes          the restore result's attributes
     */
    void compare(String expectedFingerprint, String actualFingerprint, Map<String, String> attributes) {
        if (!translations.isEmpty()) {
            attributes.put(TRANSLATIONS_ATTRIBUTE, String.join("; ", translations));
        }
        if (expectedFingerprint == null) {
            return;
        }
        if (expectedFingerprint.equals(actualFingerprint)) {
            attributes.put(SCHEMA_ATTRIBUTE, "exact");
            return;
        }
        if (expected != null) {
            DatabaseSchema actual = SchemaReader.read(driver, database);
            List<String> differences = SchemaCompatibility.differences(expected, actual);
            if (differences.isEmpty()) {
                List<String> choices = SchemaCompatibility.targetChoices(expected, actual);
                attributes.put(SCHEMA_ATTRIBUTE, "equivalent");
                attributes.put(CHOICES_ATTRIBUTE, String.join("; ", choices));
                attributes.put(NOTE_ATTRIBUTE, "The schema is equivalent to the backup's (taken on Neo4j " + sourceVersion
                        + ", restored on " + target.describe() + "): same names, kinds, labels, properties and options."
                        + (choices.isEmpty() ? "" : " The target chose: " + String.join("; ", choices) + "."));
                LOG.info("Restore of {} into '{}': the schema is equivalent to the backup's (same names, kinds, labels, "
                                + "properties and options; taken on Neo4j {}, restored on {}). The target chose: {}",
                        what, database, sourceVersion, target.describe(), choices.isEmpty() ? "nothing else"
                                : String.join("; ", choices));
                return;
            }
            attributes.put(SCHEMA_ATTRIBUTE, "differs");
            LOG.warn("Restore of {} into '{}': the schema differs from the backup's (- backup, + restored): {}", what,
                    database, String.join("; ", differences));
            return;
        }
        attributes.put(SCHEMA_ATTRIBUTE, "differs");
        LOG.warn("Restore of {} into '{}': the schema fingerprint {} differs from the backup's {}", what, database,
                actualFingerprint, expectedFingerprint);
    }
}
