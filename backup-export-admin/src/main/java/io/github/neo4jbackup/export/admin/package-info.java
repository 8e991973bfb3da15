/**
 * Physical backup and restore through the {@code neo4j-admin} process.
 *
 * <ul>
 *   <li>{@link io.github.neo4jbackup.export.admin.Neo4jAdmin} says how to reach the tool: a
 *       {@code NEO4J_HOME}, an explicit executable, or a command prefix such as
 *       {@code docker exec -i neo4j neo4j-admin}, always as an argument vector.</li>
 *   <li>{@link io.github.neo4jbackup.export.admin.AdminDumpSource} streams
 *       {@code neo4j-admin database dump <db> --to-stdout} into a
 *       {@link io.github.neo4jbackup.core.BackupPipeline} (Community and Enterprise; the database
 *       must be offline: combine it with a stop/start hook from
 *       {@link io.github.neo4jbackup.core.hook.BackupHooks}).</li>
 *   <li>{@link io.github.neo4jbackup.export.admin.AdminLoadSink} restores such a dump with
 *       {@code neo4j-admin database load --from-stdin}.</li>
 *   <li>{@link io.github.neo4jbackup.export.admin.AdminCheck} runs {@code neo4j-admin database check}
 *       on a database, a dump or a stored backup.</li>
 *   <li>{@link io.github.neo4jbackup.export.admin.AdminOnlineBackupSource} and
 *       {@link io.github.neo4jbackup.export.admin.AdminRestoreSink} use Enterprise online backups
 *       ({@code neo4j-admin database backup} / {@code restore}).</li>
 * </ul>
 *
 * <p>Every process gets an argument vector (never a shell string), its error output is drained on
 * its own thread and its tail kept for messages, its exit status is always checked, and it is
 * always reaped, and killed with its child processes on timeout or abort.
 */
package io.github.neo4jbackup.export.admin;
