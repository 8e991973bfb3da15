package io.github.neo4jbackup.core;

import io.github.neo4jbackup.core.spi.GraphCounts;

import java.util.Optional;

/**
 * The restore sink failed while writing into the database, or the restore could not create
 * everything the backup's manifest lists (then {@link #expected()} and {@link #restored()} hold
 * the numbers).
 */
public final class RestoreFailedException extends BackupException {
    private static final long serialVersionUID = 1L;

    private final transient GraphCounts expected;
    private final transient GraphCounts restored;

    /**
     * Creates the exception.
     *
     * @param message what failed and what to do
     * @param cause   the underlying failure
     */
    public RestoreFailedException(String message, Throwable cause) {
        this(message, cause, null, null);
    }

    /**
     * Creates the exception for a restore whose result differs from what the backup lists.
     *
     * @param message  what failed, with the numbers, and what to do
     * @param cause    the underlying failure, or {@code null}
     * @param expected what the backup's manifest (or the backup's own trailer) lists
     * @param restored what the restore created
     */
    public RestoreFailedException(String message, Throwable cause, GraphCounts expected, GraphCounts restored) {
        super(message, cause);
        this.expected = expected;
        this.restored = restored;
    }

    /**
     * The counts the backup lists, when the failure is a shortfall.
     *
     * @return the expected counts
     */
    public Optional<GraphCounts> expected() {
        return Optional.ofNullable(expected);
    }

    /**
     * The counts the restore created (or the restored database holds), when the failure is a shortfall.
     *
     * @return the restored counts
     */
    public Optional<GraphCounts> restored() {
        return Optional.ofNullable(restored);
    }
}
