package io.github.neo4jbackup.export.cypher.fingerprint;

import io.github.neo4jbackup.export.cypher.CypherLanguage;
import io.github.neo4jbackup.core.spi.Attributes;
import io.github.neo4jbackup.export.cypher.census.StoredTypeCensus;
import io.github.neo4jbackup.export.cypher.schema.DatabaseSchema;
import io.github.neo4jbackup.export.cypher.schema.SchemaReader;
import org.neo4j.driver.AccessMode;
import org.neo4j.driver.Driver;
import org.neo4j.driver.NotificationConfig;
import org.neo4j.driver.Record;
import org.neo4j.driver.Result;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.Transaction;
import org.neo4j.driver.Value;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The fingerprints of a whole database: its content ({@link ContentFingerprint}, see
 * {@link GraphFingerprinter} for the definition) and its schema ({@link DatabaseSchema#fingerprint()}).
 *
 * @param content        the content fingerprint
 * @param schema         the schema fingerprint (lower-case hex SHA-256)
 * @param contentVersion the content fingerprint version (see {@link GraphFingerprinter#CURRENT_VERSION})
 */
public record GraphFingerprint(ContentFingerprint content, String schema, int contentVersion) {

    /**
     * Attribute recording the content fingerprint version next to {@link Attributes#CONTENT_FINGERPRINT};
     * a manifest without it holds a version-1 fingerprint.
     */
    public static final String CONTENT_VERSION = "fingerprint.content.version";

    /**
     * Creates the value.
     *
     * @param content        content fingerprint
     * @param schema         schema fingerprint
     * @param contentVersion content fingerprint version
     */
    public GraphFingerprint {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(schema, "schema");
    }

    /**
     * Creates a value of the current content fingerprint version.
     *
     * @param content content fingerprint
     * @param schema  schema fingerprint
     */
    public GraphFingerprint(ContentFingerprint content, String schema) {
        this(content, schema, GraphFingerprinter.CURRENT_VERSION);
    }

    /**
     * The fingerprints under their well-known attribute names ({@link Attributes#CONTENT_FINGERPRINT},
     * {@link Attributes#SCHEMA_FINGERPRINT}) and the content version ({@value #CONTENT_VERSION}).
     *
     * @return the attributes
     */
    public Map<String, String> attributes() {
        return Map.of(Attributes.CONTENT_FINGERPRINT, content.hex(), Attributes.SCHEMA_FINGERPRINT, schema,
                CONTENT_VERSION, Integer.toString(contentVersion));
    }

    /**
     * The content fingerprint version a manifest's (or a sink result's) attributes record: the value
     * of {@value #CONTENT_VERSION}, 1 when absent (manifests written before version 2 existed).
     *
     * @param attributes the attributes
     * @return the version
     */
    public static int contentVersion(Map<String, String> attributes) {
        String v = attributes.get(CONTENT_VERSION);
        if (v == null) {
            return 1;
        }
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Fingerprints a database with default options.
     *
     * @param driver   the driver (owned by the caller)
     * @param database the database
     * @return the fingerprints
     * @throws IOException when the temporary file cannot be written
     * @see #compute(Driver, String, Options)
     */
    public static GraphFingerprint compute(Driver driver, String database) throws IOException {
        return compute(driver, database, Options.defaults());
    }

    /**
     * Fingerprints a database: reads the schema, streams {@code MATCH (n) RETURN id(n), labels(n),
     * properties(n)} and then {@code MATCH (a)-[r]->(b) RETURN id(a), id(b), type(r), properties(r)},
     * all in one read transaction (so ids are consistent and, where the server isolates reads, the
     * view is), feeding a {@link GraphFingerprinter}. Driver exceptions are not wrapped.
     *
     * @param driver   the driver (owned by the caller)
     * @param database the database
     * @param options  fetch size and temporary directory
     * @return the fingerprints
     * @throws IOException when the temporary file cannot be written
     */
    public static GraphFingerprint compute(Driver driver, String database, Options options) throws IOException {
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(options, "options");
        SessionConfig config = SessionConfig.builder().withDatabase(database).withDefaultAccessMode(AccessMode.READ)
                .withFetchSize(options.fetchSize())
                .withNotificationConfig(NotificationConfig.disableAllConfig()) // id() is deprecated; no noise
                .build();
        try (Session session = driver.session(config);
             Transaction tx = session.beginTransaction();
             GraphFingerprinter fp = GraphFingerprinter.open(options.tempDirectory().orElse(null),
                     options.contentVersion())) {
            DatabaseSchema schema = SchemaReader.read(tx, database);
            StoredTypeCensus census = options.contentVersion() < 2 ? StoredTypeCensus.EMPTY
                    : options.census().orElseGet(() -> StoredTypeCensus.read(tx));
            boolean narrow = census.hasNarrowTypes();
            Result nodes = tx.run(CypherLanguage.PREFIX + "MATCH (n) RETURN id(n) AS id, labels(n) AS labels, properties(n) AS props");
            while (nodes.hasNext()) {
                Record r = nodes.next();
                if (narrow) {
                    Map<String, String> storedTypes = census.nodeStoredTypes(r.get(1).asList(Value::asString),
                            r.get(2).asMap(v -> v));
                    fp.node(r.get(0).asLong(), r.get(1), r.get(2), storedTypes);
                } else {
                    fp.node(r.get(0).asLong(), r.get(1), r.get(2));
                }
            }
            Result rels = tx.run(CypherLanguage.PREFIX + "MATCH (a)-[r]->(b) RETURN id(a) AS a, id(b) AS b, type(r) AS type, properties(r) AS props");
            while (rels.hasNext()) {
                Record r = rels.next();
                String type = r.get(2).asString();
                Map<String, String> storedTypes = narrow
                        ? census.relationshipStoredTypes(type, r.get(3).asMap(v -> v)) : Map.of();
                fp.relationship(r.get(0).asLong(), r.get(1).asLong(), type, r.get(3), storedTypes);
            }
            ContentFingerprint content = fp.finish();
            tx.commit();
            return new GraphFingerprint(content, schema.fingerprint(), options.contentVersion());
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** How {@link #compute(Driver, String, Options)} reads. Immutable; build with {@link #builder()}. */
    public static final class Options {
        private static final Options DEFAULTS = builder().build();

        private final int fetchSize;
        private final Path tempDirectory;
        private final int contentVersion;
        private final StoredTypeCensus census;

        private Options(Builder b) {
            this.fetchSize = b.fetchSize;
            this.tempDirectory = b.tempDirectory;
            this.contentVersion = b.contentVersion;
            this.census = b.census;
        }

        /**
         * The stored-type census to use instead of reading it (both of its procedures scan the whole
         * store), when the caller has read it already; empty to read it.
         *
         * @return the census
         */
        public Optional<StoredTypeCensus> census() {
            return Optional.ofNullable(census);
        }

        /**
         * The content fingerprint version computed.
         *
         * @return 1 or 2
         */
        public int contentVersion() {
            return contentVersion;
        }

        /**
         * The defaults: fetch size 2000, the system temporary directory.
         *
         * @return the defaults
         */
        public static Options defaults() {
            return DEFAULTS;
        }

        /**
         * A new builder with the defaults.
         *
         * @return the builder
         */
        public static Builder builder() {
            return new Builder();
        }

        /**
         * A builder with this object's values.
         *
         * @return the builder
         */
        public Builder toBuilder() {
            Builder b = new Builder();
            b.fetchSize = fetchSize;
            b.tempDirectory = tempDirectory;
            b.contentVersion = contentVersion;
            b.census = census;
            return b;
        }

        /**
         * Records the driver fetches per batch.
         *
         * @return the fetch size
         */
        public int fetchSize() {
            return fetchSize;
        }

        /**
         * Where the temporary node fingerprint file goes; empty for {@code java.io.tmpdir}.
         *
         * @return the directory
         */
        public Optional<Path> tempDirectory() {
            return Optional.ofNullable(tempDirectory);
        }

        /** Builds {@link Options}. */
        public static final class Builder {
            private int fetchSize = 2000;
            private Path tempDirectory;
            private int contentVersion = GraphFingerprinter.CURRENT_VERSION;
            private StoredTypeCensus census;

            private Builder() {
            }

            /**
             * The database's stored-type census, already read (for example by a restore that compares
             * it with the backup's): the content fingerprint (version 2) uses it instead of reading it
             * again. It must describe the database as it is while the fingerprint is computed.
             *
             * @param census the census, or {@code null} to read it (the default)
             * @return this builder
             */
            public Builder census(StoredTypeCensus census) {
                this.census = census;
                return this;
            }

            /**
             * The content fingerprint version to compute (default {@link GraphFingerprinter#CURRENT_VERSION});
             * 1 to compare with a manifest that recorded a version-1 fingerprint.
             *
             * @param version 1 or 2
             * @return this builder
             * @throws IllegalArgumentException for another version
             */
            public Builder contentVersion(int version) {
                if (version < 1 || version > GraphFingerprinter.CURRENT_VERSION) {
                    throw new IllegalArgumentException("Content fingerprint version " + version + " is not known (1 to "
                            + GraphFingerprinter.CURRENT_VERSION + ")");
                }
                this.contentVersion = version;
                return this;
            }

            /**
             * Records fetched per batch (default 2000).
             *
             * @param fetchSize a positive number
             * @return this builder
             */
            public Builder fetchSize(int fetchSize) {
                if (fetchSize <= 0) {
                    throw new IllegalArgumentException("fetchSize must be positive, got " + fetchSize);
                }
                this.fetchSize = fetchSize;
                return this;
            }

            /**
             * Directory for the temporary file (32 bytes per node id, sparse).
             *
             * @param tempDirectory the directory, or {@code null} for {@code java.io.tmpdir}
             * @return this builder
             */
            public Builder tempDirectory(Path tempDirectory) {
                this.tempDirectory = tempDirectory;
                return this;
            }

            /**
             * Builds the options.
             *
             * @return the options
             */
            public Options build() {
                return new Options(this);
            }
        }
    }
}
