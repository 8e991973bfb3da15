package io.github.neo4jbackup.core.hook;

import io.github.neo4jbackup.core.spi.BackupHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Objects;

/**
 * One offline window for several steps that each need the database stopped, e.g. the safety dump
 * and the load of an admin-engine restore: the database is stopped once, before the first step,
 * and started once, after the last (or at once when a step fails, or on {@link #close()} when a
 * later step never ran). Every step uses the same {@link #step()} hook where it would have used
 * the wrapped one.
 *
 * <pre>{@code
 * try (OfflineWindow window = OfflineWindow.around(stopStart, 2)) {
 *     safetyPipelineBuilder.hook(window.step());     // stops
 *     loadSinkBuilder.hook(window.step());           // starts after the load
 *     pipeline.restore(id, sink, options.withSafetyBackup(safety));
 * }
 * }</pre>
 * Not thread-safe: the steps run one after the other.
 */
public final class OfflineWindow implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OfflineWindow.class);

    private final BackupHook hook;
    private final int steps;
    private int ended;
    private boolean offline;
    private String database;
    private final BackupHook step = new BackupHook() {
        @Override
        public String name() {
            return hook.name();
        }

        @Override
        public void beforeBackup(String db) throws IOException {
            if (!offline) {
                hook.beforeBackup(db);
                offline = true;
                database = db;
            }
        }

        @Override
        public void afterBackup(String db, boolean succeeded) throws IOException {
            ended++;
            if (offline && (!succeeded || ended >= steps)) {
                offline = false;
                hook.afterBackup(db, succeeded);
            }
        }

        @Override
        public boolean takesDatabaseOffline() {
            return hook.takesDatabaseOffline();
        }
    };

    private OfflineWindow(BackupHook hook, int steps) {
        this.hook = Objects.requireNonNull(hook, "hook");
        if (steps < 1) {
            throw new IllegalArgumentException("an offline window has at least one step, not " + steps);
        }
        this.steps = steps;
    }

    /**
     * A window around a stop/start hook.
     *
     * @param hook  the hook that stops ({@code beforeBackup}) and starts ({@code afterBackup}) the database
     * @param steps how many steps run inside the window
     * @return the window
     */
    public static OfflineWindow around(BackupHook hook, int steps) {
        return new OfflineWindow(hook, steps);
    }

    /**
     * The hook each step uses: the first step's {@code beforeBackup} stops the database, the last
     * step's {@code afterBackup} (or a failed step's) starts it.
     *
     * @return the hook
     */
    public BackupHook step() {
        return step;
    }

    /**
     * Whether the database is stopped by this window now.
     *
     * @return {@code true} between the stop and the start
     */
    public boolean offline() {
        return offline;
    }

    /** Starts the database if a step stopped it and no step started it again (a later step never ran). */
    @Override
    public void close() {
        if (!offline) {
            return;
        }
        offline = false;
        try {
            hook.afterBackup(database, false);
        } catch (IOException | RuntimeException e) {
            LOG.error("The {} hook could not start database '{}' again: {}; it is stopped: start it now", hook.name(),
                    database, e.getMessage());
        }
    }
}
