package io.github.neo4jbackup.export.cypher.apoc;

import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.SourceFailedException;
import io.github.neo4jbackup.export.cypher.internal.StallWatchdog.StalledException;
import org.neo4j.driver.exceptions.ClientException;
import org.neo4j.driver.exceptions.Neo4jException;
import org.neo4j.driver.exceptions.ServiceUnavailableException;
import org.neo4j.driver.exceptions.SessionExpiredException;

/**
 * The wording of an APOC export's failures: APOC missing, too old or not allowed (pointing to the
 * driver engine, which needs no plugin), the export call failing or stalling, and the server's
 * message cut to its first line. Every message names the database and says that nothing was stored.
 */
final class ApocFailures {

    /** The engine to use instead when APOC is not available. */
    static final String DRIVER_ALTERNATIVE = "the driver engine (--engine driver on the command line, engine id "
            + "\"cypher-driver\"), which needs no server plugin";

    private ApocFailures() {
    }

    /** APOC cannot serve the export: the backup needs the driver engine or a working APOC. */
    static InvalidInputException noApoc(String database, String reason, Throwable cause) {
        return new InvalidInputException("Cannot back up database '" + database + "' with the APOC engine ("
                + ApocCypherSource.TYPE + "): " + reason + ". Use " + DRIVER_ALTERNATIVE + " and works on every Neo4j "
                + "version; or install APOC core matching the Neo4j version and allow it "
                + "(dbms.security.procedures.unrestricted=apoc.*). Nothing was stored.", cause);
    }

    /** The export call failed. */
    static SourceFailedException exportFailed(String database, Neo4jException e) {
        String advice = e instanceof ServiceUnavailableException || e instanceof SessionExpiredException
                ? "the server stopped or the connection broke; check that the server is running and reachable, then "
                + "run the backup again"
                : "check the server log, or raise transactionTimeout / apocTimeout";
        return new SourceFailedException("APOC's export of database '" + database + "' failed: " + firstLine(e)
                + ". Nothing was stored; " + advice + ".", e);
    }

    /** The export abandoned a connection that stopped answering. */
    static SourceFailedException stalled(String database, StalledException e) {
        return new SourceFailedException("APOC's export of database '" + database + "' failed: " + e.getMessage()
                + ". Nothing was stored; check the network between this host and the server and the server's "
                + "health, then run the backup again (raise stallTimeout if the server legitimately needs longer "
                + "to produce a batch).", e);
    }

    /** Reading the counts or the schema after APOC's stream ended failed. */
    static SourceFailedException afterStreamFailed(String database, Neo4jException e) {
        return new SourceFailedException("APOC's export of database '" + database + "' failed: reading the counts "
                + "after APOC's stream ended failed: " + firstLine(e) + ". The server stopped or the connection "
                + "broke. Nothing was stored; check that the server is running and reachable, then run the backup "
                + "again.", e);
    }

    /** Whether the server said that the export procedure does not exist. */
    static boolean isProcedureMissing(ClientException e) {
        String code = e.code() == null ? "" : e.code();
        String message = e.getMessage() == null ? "" : e.getMessage();
        return code.endsWith("ProcedureNotFound")
                || (message.contains("no procedure with the name") && message.contains(ApocCypherSource.PROCEDURE));
    }

    /** The server's code and the first line of its message, without final dots, at most 300 characters. */
    static String firstLine(Neo4jException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        String line = (newline < 0 ? message : message.substring(0, newline)).strip();
        while (line.endsWith(".")) {
            line = line.substring(0, line.length() - 1);
        }
        if (line.length() > 300) {
            line = line.substring(0, 300) + "...";
        }
        return (e.code() == null ? "" : e.code() + ": ") + line;
    }
}
