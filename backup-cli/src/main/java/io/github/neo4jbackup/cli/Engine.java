package io.github.neo4jbackup.cli;

import io.github.neo4jbackup.export.admin.AdminDumpSource;
import io.github.neo4jbackup.export.cypher.apoc.ApocCypherSource;
import io.github.neo4jbackup.export.cypher.driver.GraphFormat;

/** The {@code --engine} values and the source type each one records in manifests. */
enum Engine {
    /** Driver-only logical export ({@code cypher-driver}). */
    driver(GraphFormat.ENGINE),
    /** APOC Cypher script export ({@code cypher-apoc}). */
    apoc(ApocCypherSource.TYPE),
    /** {@code neo4j-admin database dump} ({@code neo4j-admin}). */
    admin(AdminDumpSource.TYPE);

    private final String sourceType;

    Engine(String sourceType) {
        this.sourceType = sourceType;
    }

    String sourceType() {
        return sourceType;
    }

    boolean usesDriver() {
        return this != admin;
    }

    /** The engine that restores a backup whose manifest records {@code sourceType}. */
    static Engine forSourceType(String sourceType, String id) {
        for (Engine e : values()) {
            if (e.sourceType.equals(sourceType)) {
                return e;
            }
        }
        throw CliException.usage("Backup " + id + " was made by engine '" + sourceType + "', which this command line"
                + " does not know: pass --engine driver|apoc|admin to choose the restore engine");
    }
}
