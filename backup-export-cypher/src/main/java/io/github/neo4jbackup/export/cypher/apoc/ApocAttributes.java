package io.github.neo4jbackup.export.cypher.apoc;

import io.github.neo4jbackup.core.spi.Attributes;
import io.github.neo4jbackup.export.cypher.ServerInfo;
import io.github.neo4jbackup.export.cypher.census.CensusAttributes;
import io.github.neo4jbackup.export.cypher.census.StoredTypeCensus;
import io.github.neo4jbackup.export.cypher.schema.DatabaseSchema;
import org.neo4j.driver.Driver;
import org.neo4j.driver.exceptions.Neo4jException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;

/**
 * The manifest attributes of an APOC export (see {@code docs/manifest.md}): consistency and schema
 * fingerprint, the APOC version and what its encoding does not preserve, the default Cypher
 * language of the database, the stored-type census, and what the script holds (rows, statements,
 * replaced schema statements, float32 statements, repaired names) with the batch sizes used.
 */
final class ApocAttributes {

    private static final Logger LOG = LoggerFactory.getLogger(ApocCypherSource.class);

    private ApocAttributes() {
    }

    /**
     * The attributes.
     *
     * @param driver            the caller's driver, to read the default language
     * @param database          the database exported
     * @param probe             the facts about the server
     * @param schema            the schema before the export
     * @param changed           whether the database changed during the export
     * @param census            the stored-type census
     * @param float32Statements how many float32 statements the script holds
     * @param copy              what the copy of APOC's stream saw
     * @param rowBatch          entities per row asked of APOC
     * @param unwindBatchSize   rows per {@code UNWIND} statement
     * @param repair            the repair of names with backticks
     * @return the attributes
     */
    static Map<String, String> of(Driver driver, String database, ApocProbe probe, DatabaseSchema schema,
                                  boolean changed, StoredTypeCensus census, int float32Statements,
                                  ApocScript.Copy copy, int rowBatch, int unwindBatchSize, IdentifierRepair repair) {
        Map<String, String> attributes = new HashMap<>();
        attributes.put(Attributes.CONSISTENCY, "read-committed");
        attributes.put(Attributes.CHANGED_DURING_EXPORT, Boolean.toString(changed));
        attributes.put(Attributes.SCHEMA_FINGERPRINT, schema.fingerprint());
        attributes.put(ApocCypherSource.APOC_VERSION, probe.apocVersion());
        try {
            String language = ServerInfo.probe(driver, database).defaultLanguage();
            if (language != null) {
                attributes.put(ServerInfo.DEFAULT_LANGUAGE_ATTRIBUTE, language);
            }
        } catch (Neo4jException e) {
            LOG.debug("Could not read the default language of database '{}': {}", database, e.getMessage());
        }
        attributes.put(ApocCypherSource.LIMITATIONS, ApocCypherSource.LIMITATIONS_TEXT);
        attributes.putAll(CensusAttributes.backup(census, true, -1, database, LOG));
        attributes.put(ApocCypherSource.FLOAT32_PASS, Integer.toString(float32Statements));
        attributes.put(ApocCypherSource.ROWS, Long.toString(copy.rows()));
        attributes.put(ApocCypherSource.SCHEMA_REPLACED, Long.toString(copy.schemaStatementsRemoved()));
        attributes.put("apoc.batchSize", Integer.toString(rowBatch));
        attributes.put("apoc.unwindBatchSize", Integer.toString(unwindBatchSize));
        attributes.put("apoc.statements", Long.toString(copy.statements()));
        if (repair.affectedNames() > 0) {
            attributes.put(ApocCypherSource.REPAIRED_NAMES, Integer.toString(repair.affectedNames()));
        }
        return attributes;
    }
}
