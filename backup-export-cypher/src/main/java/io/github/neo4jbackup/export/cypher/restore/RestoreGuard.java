package io.github.neo4jbackup.export.cypher.restore;

import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.RestoreFailedException;
import io.github.neo4jbackup.core.SourceFailedException;
import org.neo4j.driver.Driver;
import org.neo4j.driver.exceptions.Neo4jException;

import java.util.Objects;

/**
 * The check every restore sink makes before writing: a logical restore only reproduces a backup in
 * an empty database, so a non-empty target is refused unless the caller asked to wipe it.
 */
public final class RestoreGuard {

    private RestoreGuard() {
    }

    /**
     * Makes sure the database is empty: returns at once if it is; wipes it if {@code wipe} is set
     * ({@link TargetDatabase#wipe}); refuses otherwise.
     *
     * @param driver    the driver (owned by the caller)
     * @param database  the target database
     * @param wipe      whether a non-empty database may be wiped
     * @param batchSize entities deleted per transaction when wiping
     * @return what the database held before (empty contents if it was empty)
     * @throws InvalidInputException  when the database is not empty and {@code wipe} is false; nothing was changed
     * @throws RestoreFailedException when the database cannot be inspected or wiped
     */
    public static TargetDatabase.Contents requireEmptyOrWipe(Driver driver, String database, boolean wipe, int batchSize) {
        Objects.requireNonNull(driver, "driver");
        Objects.requireNonNull(database, "database");
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
        }
        TargetDatabase.Contents contents;
        try {
            contents = TargetDatabase.describeContents(driver, database);
        } catch (Neo4jException | SourceFailedException e) {
            String detail = String.valueOf(e.getMessage()).strip();
            while (detail.endsWith(".")) {
                detail = detail.substring(0, detail.length() - 1);
            }
            if (e instanceof org.neo4j.driver.exceptions.SecurityException || (e instanceof Neo4jException n
                    && n.code() != null && n.code().startsWith("Neo.ClientError.Security."))) {
                throw new RestoreFailedException("Neo4j refused the credentials or the permissions of the restore "
                        + "driver's user for database '" + database + "' (" + detail + "): check the user and password "
                        + "the driver was created with (the password is not shown). Nothing was changed.", e);
            }
            throw new RestoreFailedException("Could not inspect the target database '" + database + "': "
                    + detail + ". Check that it exists, is online and that the user may read it.", e);
        }
        if (contents.isEmpty()) {
            return contents;
        }
        if (!wipe) {
            throw new InvalidInputException("Database '" + database + "' is not empty (" + contents.describe()
                    + "); restore into an empty database, or enable wiping on the restore (wipe = true) to delete "
                    + "its data and schema first (take a safety backup before).");
        }
        TargetDatabase.wipe(driver, database, batchSize);
        return contents;
    }
}
