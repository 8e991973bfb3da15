package io.github.neo4jbackup.export.cypher.apoc;

import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.SourceFailedException;
import io.github.neo4jbackup.export.cypher.CypherLanguage;
import io.github.neo4jbackup.export.cypher.ServerInfo;
import org.neo4j.driver.AccessMode;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.exceptions.ClientException;
import org.neo4j.driver.exceptions.Neo4jException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Facts about the server, checked before anything is written: the APOC version (5.x or later, whose
 * {@value ApocCypherSource#PROCEDURE} can stream), whether that procedure is allowed and has the
 * streaming result column, the Neo4j version and edition, and the names of the labels, relationship
 * types and property keys (for {@link IdentifierRepair}). A missing, too old or restricted APOC fails
 * with an {@link InvalidInputException} that names the driver engine.
 *
 * @param apocVersion  APOC's version
 * @param neo4jVersion the Neo4j kernel's version, or {@code null}
 * @param edition      the Neo4j edition, or {@code null}
 * @param names        labels, relationship types and property keys of the database
 */
record ApocProbe(String apocVersion, String neo4jVersion, String edition, List<String> names) {

    private static final Logger LOG = LoggerFactory.getLogger(ApocCypherSource.class);

    /**
     * Probes the server.
     *
     * @throws InvalidInputException when APOC is missing, too old or its export procedure is not allowed
     * @throws SourceFailedException when the database cannot be queried
     */
    static ApocProbe read(Driver driver, String database) {
        try (Session session = driver.session(SessionConfig.builder().withDatabase(database)
                .withDefaultAccessMode(AccessMode.READ).build())) {
            String apocVersion;
            try {
                apocVersion = session.run(CypherLanguage.PREFIX + "RETURN apoc.version() AS version").single().get("version").asString();
            } catch (ClientException e) {
                String server = ServerInfo.probe(driver, database).describe();
                throw ApocFailures.noApoc(database, "APOC is not installed on " + server + ", or its functions are not "
                        + "allowed (the server said: " + ApocFailures.firstLine(e) + ")", e);
            }
            int major = majorVersion(apocVersion);
            if (major < 5) {
                throw ApocFailures.noApoc(database, "APOC " + apocVersion + " is too old: neo4j-backup needs APOC 5.x or "
                        + "later, whose " + ApocCypherSource.PROCEDURE + " can stream", null);
            }
            checkProcedure(session, database);
            String neo4jVersion = null;
            String edition = null;
            for (Record r : session.run(CypherLanguage.PREFIX + "CALL dbms.components() YIELD name, versions, edition "
                    + "RETURN name, versions, edition").list()) {
                if ("Neo4j Kernel".equals(r.get("name").asString())) {
                    List<Object> versions = r.get("versions").asList();
                    neo4jVersion = versions.isEmpty() ? null : String.valueOf(versions.get(0));
                    edition = r.get("edition").asString();
                }
            }
            List<String> names = new ArrayList<>();
            session.run(CypherLanguage.PREFIX + "CALL db.labels() YIELD label RETURN label").forEachRemaining(r -> names.add(r.get(0).asString()));
            session.run(CypherLanguage.PREFIX + "CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType")
                    .forEachRemaining(r -> names.add(r.get(0).asString()));
            session.run(CypherLanguage.PREFIX + "CALL db.propertyKeys() YIELD propertyKey RETURN propertyKey")
                    .forEachRemaining(r -> names.add(r.get(0).asString()));
            return new ApocProbe(apocVersion, neo4jVersion, edition, names);
        } catch (InvalidInputException e) {
            throw e;
        } catch (Neo4jException e) {
            throw new SourceFailedException("Could not query database '" + database + "' before the APOC export: "
                    + ApocFailures.firstLine(e) + ". Check that the database exists and is online. Nothing was stored.",
                    e);
        }
    }

    private static void checkProcedure(Session session, String database) {
        String procedure = ApocCypherSource.PROCEDURE;
        List<Record> procedures;
        try {
            procedures = session.run(CypherLanguage.PREFIX + "SHOW PROCEDURES YIELD name, signature WHERE name = $name RETURN signature",
                    Map.of("name", procedure)).list();
        } catch (ClientException e) {
            LOG.debug("SHOW PROCEDURES is not allowed ({}); relying on the export call to fail if {} is missing",
                    ApocFailures.firstLine(e), procedure);
            return;
        }
        if (procedures.isEmpty()) {
            throw ApocFailures.noApoc(database, "APOC is installed but the procedure " + procedure + " is not available "
                    + "(not allowed by dbms.security.procedures.allowlist / unrestricted, or not part of this APOC "
                    + "build)", null);
        }
        String signature = procedures.get(0).get("signature").asString();
        if (!signature.contains("cypherStatements")) {
            throw ApocFailures.noApoc(database, "this APOC's " + procedure + " cannot stream (its result has no "
                    + "cypherStatements column: " + signature + ")", null);
        }
    }

    /** The leading number of a version such as {@code 5.26.19}; -1 when there is none. */
    static int majorVersion(String version) {
        if (version == null) {
            return -1;
        }
        int end = 0;
        while (end < version.length() && Character.isDigit(version.charAt(end))) {
            end++;
        }
        try {
            return end == 0 ? -1 : Integer.parseInt(version.substring(0, end));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
