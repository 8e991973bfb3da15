package io.github.neo4jbackup.export.cypher;

import org.neo4j.driver.AccessMode;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.exceptions.ClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a restore or an export needs to know about a server: its version and edition
 * ({@code dbms.components()}) and the default Cypher language of one database: {@code CYPHER 5} on
 * 5.x, where it is the only one; on calendar versions the {@code defaultLanguage} column of
 * {@code SHOW DATABASES} (absent, and then unknown, before 2025.06).
 *
 * @param version         the reported version, or null when {@code dbms.components()} is not allowed
 * @param edition         {@code community} or {@code enterprise} (lower case), or null
 * @param defaultLanguage e.g. {@code CYPHER 5} or {@code CYPHER 25}, or null when unknown
 */
public record ServerInfo(String version, String edition, String defaultLanguage) {

    /** Attribute (manifest {@code source.attributes}) holding the source database's default Cypher language. */
    public static final String DEFAULT_LANGUAGE_ATTRIBUTE = "neo4j.defaultLanguage";

    private static final Logger LOG = LoggerFactory.getLogger(ServerInfo.class);

    /** Nothing known. */
    public static final ServerInfo UNKNOWN = new ServerInfo(null, null, null);

    /**
     * Asks the server. Driver exceptions other than a refused procedure or command are not wrapped.
     *
     * @param driver   the driver (owned by the caller)
     * @param database the database whose default language is wanted
     * @return what the server told
     */
    public static ServerInfo probe(Driver driver, String database) {
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(database, "database");
        String version = null;
        String edition = null;
        String language = null;
        try (Session session = driver.session(SessionConfig.builder().withDatabase(database)
                .withDefaultAccessMode(AccessMode.READ).build())) {
            try {
                List<Record> rows = session.run(CypherLanguage.pin("CALL dbms.components() YIELD name, versions, "
                        + "edition RETURN name, versions, edition")).list();
                for (Record r : rows) {
                    if (rows.size() == 1 || "Neo4j Kernel".equals(r.get("name").asString(null))) {
                        List<Object> versions = r.get("versions").asList();
                        version = versions.isEmpty() ? null : String.valueOf(versions.get(0));
                        String e = r.get("edition").asString(null);
                        edition = e == null ? null : e.toLowerCase(Locale.ROOT);
                    }
                }
            } catch (ClientException e) {
                LOG.debug("dbms.components() is not available: {}", e.getMessage());
            }
            Optional<Neo4jVersion> v = Neo4jVersion.parse(version);
            if (v.isPresent() && !v.get().isCalendar()) {
                language = "CYPHER 5"; // the only language of 5.x; no need to ask
            } else {
                try {
                    List<Record> rows = session.run(CypherLanguage.pin("SHOW DATABASES YIELD name, defaultLanguage "
                            + "WHERE name = $name RETURN defaultLanguage"), Map.of("name", database)).list();
                    if (!rows.isEmpty() && !rows.get(0).get(0).isNull()) {
                        language = rows.get(0).get(0).asString();
                    }
                } catch (ClientException e) {
                    LOG.debug("SHOW DATABASES is not available: {}", e.getMessage());
                }
            }
        }
        return new ServerInfo(version, edition, language);
    }

    /**
     * The parsed version.
     *
     * @return the version, or empty when unknown
     */
    public Optional<Neo4jVersion> parsedVersion() {
        return Neo4jVersion.parse(version);
    }

    /**
     * For messages: {@code Neo4j 2026.08.1 community (default language CYPHER 25)}.
     *
     * @return the description
     */
    public String describe() {
        return "Neo4j " + (version == null ? "(unknown version)" : version) + (edition == null ? "" : " " + edition)
                + (defaultLanguage == null ? "" : " (default language " + defaultLanguage + ")");
    }
}
