package io.github.neo4jbackup.cli;

import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.event.BackupListener;
import io.github.neo4jbackup.core.spi.ObjectKey;

import java.io.PrintStream;

/** A one-line progress display on a terminal (stderr), refreshed at most a few times a second. */
final class ProgressListener implements BackupListener {

    private static final long INTERVAL_NANOS = 250_000_000L;

    private final PrintStream err;
    private final long started = System.nanoTime();
    private long last;
    private boolean drawn;

    ProgressListener(PrintStream err) {
        this.err = err;
    }

    @Override
    public void backupStarted(String id, String database, ObjectKey dataKey) {
        err.println("Backing up database '" + database + "' as " + id + " -> " + dataKey.value());
    }

    @Override
    public void backupProgress(String id, long rawBytes, long storedBytes, long records) {
        long now = System.nanoTime();
        if (now - last < INTERVAL_NANOS) {
            return;
        }
        last = now;
        double seconds = Math.max(0.001, (now - started) / 1e9);
        StringBuilder line = new StringBuilder("\r  ");
        int spinner = (int) ((now - started) / INTERVAL_NANOS % 4);
        line.append("|/-\\".charAt(spinner)).append(' ')
                .append(bytes(rawBytes)).append(" read, ").append(bytes(storedBytes)).append(" stored");
        if (records > 0) {
            line.append(", ").append(records).append(" records");
        }
        line.append(String.format(" (%s/s)   ", bytes((long) (rawBytes / seconds))));
        err.print(line);
        err.flush();
        drawn = true;
    }

    @Override
    public void backupCommitted(BackupResult result) {
        if (drawn) {
            err.print("\r");
            err.println(" ".repeat(70));
            drawn = false;
        }
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format("%.1f %s", v, units[u]);
    }
}
