package io.github.neo4jbackup.core.internal;

import io.github.neo4jbackup.core.BackupException;
import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.PruneResult;
import io.github.neo4jbackup.core.RestoreResult;
import io.github.neo4jbackup.core.VerifyReport;
import io.github.neo4jbackup.core.event.BackupListener;
import io.github.neo4jbackup.core.spi.ObjectKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.Consumer;

/** Fans events out to listeners; whatever a listener throws is logged and ignored. Not API. */
public final class SafeListener implements BackupListener {

    private static final Logger LOG = LoggerFactory.getLogger(SafeListener.class);

    private final List<BackupListener> listeners;

    /**
     * Creates the fan-out.
     *
     * @param listeners the listeners
     */
    public SafeListener(List<BackupListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    private void each(String event, Consumer<BackupListener> call) {
        for (BackupListener l : listeners) {
            try {
                call.accept(l);
            } catch (Throwable t) { // a listener must never break a run
                if (t instanceof VirtualMachineError vme) {
                    throw vme;
                }
                LOG.warn("Listener {} failed on {}: {}", l.getClass().getName(), event, t.toString());
            }
        }
    }

    @Override
    public void backupStarted(String id, String database, ObjectKey dataKey) {
        each("backupStarted", l -> l.backupStarted(id, database, dataKey));
    }

    @Override
    public void backupProgress(String id, long rawBytes, long storedBytes, long records) {
        each("backupProgress", l -> l.backupProgress(id, rawBytes, storedBytes, records));
    }

    @Override
    public void backupCommitted(BackupResult result) {
        each("backupCommitted", l -> l.backupCommitted(result));
    }

    @Override
    public void backupFailed(String id, BackupException failure) {
        each("backupFailed", l -> l.backupFailed(id, failure));
    }

    @Override
    public void restoreCompleted(RestoreResult result) {
        each("restoreCompleted", l -> l.restoreCompleted(result));
    }

    @Override
    public void restoreFailed(String id, BackupException failure) {
        each("restoreFailed", l -> l.restoreFailed(id, failure));
    }

    @Override
    public void verified(VerifyReport report) {
        each("verified", l -> l.verified(report));
    }

    @Override
    public void pruned(PruneResult result) {
        each("pruned", l -> l.pruned(result));
    }

    @Override
    public void pruneFailed(BackupException failure) {
        each("pruneFailed", l -> l.pruneFailed(failure));
    }

    @Override
    public void lockTakenOver(io.github.neo4jbackup.core.lock.LockTakeover takeover) {
        each("lockTakenOver", l -> l.lockTakenOver(takeover));
    }
}
