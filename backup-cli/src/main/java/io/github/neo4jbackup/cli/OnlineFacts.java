package io.github.neo4jbackup.cli;

import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.spi.GraphCounts;
import io.github.neo4jbackup.export.admin.OnlineProbe;
import io.github.neo4jbackup.export.cypher.census.CensusAttributes;
import io.github.neo4jbackup.export.cypher.census.StoredTypeCensus;
import io.github.neo4jbackup.export.cypher.fingerprint.GraphFingerprint;
import io.github.neo4jbackup.export.cypher.fingerprint.GraphFingerprinter;
import io.github.neo4jbackup.export.cypher.restore.TargetDatabase;
import org.neo4j.driver.Driver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the admin engine records over Bolt while the server is still up, just before the stop
 * ({@code backup --engine admin --uri URI}), and reads again after {@code verify --restore-into}
 * loaded and started a dump: the counts, the content and schema fingerprints and the stored-type
 * census, under the same attribute names the driver engine uses, so the verifier compares them the
 * same way.
 */
final class OnlineFacts implements OnlineProbe {

    /** Manifest attribute: when the facts were read (the dump itself follows the stop). */
    static final String READ_AT = "online.readAt";

    private static final Logger LOG = LoggerFactory.getLogger(OnlineFacts.class);
    /** The largest census a manifest records, as the logical engines keep it. */
    private static final int MAX_CENSUS_CHARS = 512 * 1024;

    private final Driver driver;

    OnlineFacts(Driver driver) {
        this.driver = driver;
    }

    @Override
    public Map<String, String> attributes(String database) throws IOException {
        Map<String, String> out = new TreeMap<>();
        out.put(READ_AT, Instant.now().toString());
        out.putAll(GraphFingerprint.compute(driver, database).attributes());
        String census = StoredTypeCensus.read(driver, database).toJson();
        if (census.length() <= MAX_CENSUS_CHARS) {
            out.put(CensusAttributes.CENSUS, census);
        } else {
            out.put(CensusAttributes.OMITTED, "the stored-type census has " + census.length()
                    + " characters, more than a manifest records");
        }
        return out;
    }

    @Override
    public GraphCounts counts(String database) {
        return TargetDatabase.counts(driver, database);
    }

    /**
     * The facts of a database a dump was loaded into, for comparison with the backup's manifest: the
     * content fingerprint in the version the manifest recorded, the schema fingerprint, and the
     * stored-type check against the recorded census (a dump keeps every stored type, so any
     * difference fails).
     *
     * @param manifest the backup
     * @param database the database the dump was loaded into
     * @return the attributes for the sink result
     * @throws IOException when the fingerprint cannot be computed
     * @throws io.github.neo4jbackup.core.RestoreFailedException when stored types differ
     */
    Map<String, String> loaded(Manifest manifest, String database) throws IOException {
        Map<String, String> out = new TreeMap<>();
        int version = GraphFingerprint.contentVersion(manifest.source().attributes());
        if (version >= 1 && version <= GraphFingerprinter.CURRENT_VERSION) {
            out.putAll(GraphFingerprint.compute(driver, database,
                    GraphFingerprint.Options.builder().contentVersion(version).build()).attributes());
        } else {
            out.put("fingerprint.skipped", "the backup's content fingerprint has version " + version
                    + ", which this neo4j-backup does not compute");
        }
        out.putAll(CensusAttributes.checkRestore("backup " + manifest.id(), database, manifest,
                StoredTypeCensus.read(driver, database), Set.of(), java.util.List.of(), LOG));
        return out;
    }
}
