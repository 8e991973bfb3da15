package io.github.neo4jbackup.core.operation;

import io.github.neo4jbackup.core.BackupPlan;
import io.github.neo4jbackup.core.DatabaseName;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.KeyTemplate;
import io.github.neo4jbackup.core.PruneResult;
import io.github.neo4jbackup.core.lock.LockInfo;
import io.github.neo4jbackup.core.repository.Repository;
import io.github.neo4jbackup.core.spi.BackupSource;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.Transformer;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Computes a {@link BackupPlan}: what a backup would do now, reading the repository (its lock and
 * its manifests) and writing nothing. It neither takes the lock nor contacts the source; checking
 * that the source is reachable is the caller's part.
 */
public final class BackupPlanner {

    private final BackupRun.Settings settings;
    private final Repository repository;
    private final KeyTemplate keyTemplate;
    private final Pruner pruner;
    private final Clock clock;

    /**
     * Creates a planner.
     *
     * @param settings    the backup settings (source, transformers, labels)
     * @param repository  the repository
     * @param keyTemplate the key template the repository renders data keys with
     * @param pruner      the retention, or {@code null} without a policy
     * @param clock       the clock
     */
    public BackupPlanner(BackupRun.Settings settings, Repository repository, KeyTemplate keyTemplate, Pruner pruner,
                         Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.repository = Objects.requireNonNull(repository, "repository");
        this.keyTemplate = Objects.requireNonNull(keyTemplate, "keyTemplate");
        this.pruner = pruner;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Computes the plan.
     *
     * @return the plan
     * @throws InvalidInputException when no source is configured
     * @throws io.github.neo4jbackup.core.StorageException when the repository could not be read
     */
    public BackupPlan plan() {
        BackupSource source = settings.source();
        if (source == null) {
            throw new InvalidInputException("No source configured: call source(..) on the builder to plan a backup");
        }
        String database = DatabaseName.validate(source.database());
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        String id = database + "-" + KeyTemplate.TIMESTAMP.format(now);
        List<String> applied = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        StringBuilder ext = new StringBuilder(source.extension());
        for (Transformer t : settings.transformers()) {
            if (t.compresses() && source.compressedOutput() && !settings.recompress()) {
                skipped.add(t.describe());
            } else {
                applied.add(t.describe());
                ext.append('.').append(t.extension());
            }
        }
        ObjectKey dataKey = keyTemplate.render(id, database, now, source.type(), ext.toString(), settings.labels());
        LockInfo holder = repository.lockHolder(database).orElse(null);
        PruneResult retention = pruner == null ? null : pruner.pruneDatabase(database, true, null);
        return new BackupPlan(id, database, source.type(), repository.describe(), now, dataKey, applied, skipped,
                holder, retention);
    }
}
