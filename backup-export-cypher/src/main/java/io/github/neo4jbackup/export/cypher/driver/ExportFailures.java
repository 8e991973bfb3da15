package io.github.neo4jbackup.export.cypher.driver;

import io.github.neo4jbackup.export.cypher.internal.StallWatchdog.StalledException;
import org.neo4j.driver.exceptions.FatalDiscoveryException;
import org.neo4j.driver.exceptions.Neo4jException;
import org.neo4j.driver.exceptions.SecurityException;
import org.neo4j.driver.exceptions.ServiceUnavailableException;
import org.neo4j.driver.exceptions.SessionExpiredException;
import org.neo4j.driver.exceptions.TransactionTerminatedException;

import java.io.IOException;

/**
 * The wording of a driver export's failures: which database, what the export was doing, how far it
 * got, and what to do about it (the advice depends on the kind of driver failure).
 */
final class ExportFailures {

    private ExportFailures() {
    }

    /**
     * A failure of the server, the connection or the transaction.
     *
     * @param database the database exported
     * @param phase    what the export was doing, e.g. "streaming the graph"
     * @param progress the records written so far
     * @param e        the driver's exception
     * @return the exception to throw
     */
    static IOException of(String database, String phase, ExportProgress progress, Neo4jException e) {
        String advice;
        if (e instanceof ServiceUnavailableException || e instanceof SessionExpiredException) {
            advice = "The server stopped or the connection broke. Check that the server is running and reachable, "
                    + "then run the backup again";
        } else if (e instanceof TransactionTerminatedException
                || (e.code() != null && e.code().startsWith("Neo.ClientError.Transaction."))) {
            advice = "The read transaction was terminated (by a transaction timeout, a memory limit or an "
                    + "administrator). Raise the transaction timeout (transactionTimeout(..) or db.transaction.timeout)"
                    + " or db.memory.transaction.max, then run the backup again";
        } else if (e instanceof FatalDiscoveryException
                || "Neo.ClientError.Database.DatabaseNotFound".equals(e.code())) {
            advice = "Database '" + database + "' does not exist on this server: check the database name "
                    + "('SHOW DATABASES' lists them)";
        } else if (e instanceof SecurityException
                || (e.code() != null && e.code().startsWith("Neo.ClientError.Security."))) {
            advice = "Neo4j refused the credentials or the permissions of the driver's user: check the user and "
                    + "password the driver was created with (the password is not shown) and that the user may read "
                    + "database '" + database + "'";
        } else {
            advice = "Run the backup again; if it keeps failing, check the server log";
        }
        String detail = String.valueOf(e.getMessage()).strip();
        while (detail.endsWith(".")) {
            detail = detail.substring(0, detail.length() - 1);
        }
        return new IOException("Exporting database '" + database + "' failed while " + phase + " (after "
                + progress.nodes() + " nodes and " + progress.relationships() + " relationships were written): "
                + detail + ". " + advice + ". Nothing was stored for this backup.", e);
    }

    /** The export abandoned a connection that stopped answering. */
    static IOException stalled(String database, StalledException e) {
        return new IOException("Exporting database '" + database + "' failed: " + e.getMessage() + ". Check the "
                + "network between this host and the server and the server's health, then run the backup again; "
                + "raise stallTimeout(..) if the server legitimately needs longer to answer. Nothing was stored "
                + "for this backup.", e);
    }

    /** The database holds a value the graph format cannot hold (or the driver cannot read). */
    static IOException unrepresentable(String database, IllegalArgumentException e) {
        return new IOException("Database '" + database + "' holds a value the backup format cannot represent: "
                + e.getMessage(), e);
    }
}
