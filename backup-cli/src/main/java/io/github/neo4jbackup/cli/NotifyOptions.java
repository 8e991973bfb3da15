package io.github.neo4jbackup.cli;

import io.github.neo4jbackup.cli.service.ServiceMetrics;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The notification and metrics-file options of {@code backup} and {@code run} (a picocli mixin): the
 * {@linkplain WebhookOptions webhook options} plus {@code --metrics-file}, with an environment
 * variable; the flag wins over the variable.
 */
final class NotifyOptions extends WebhookOptions {

    @Option(names = "--metrics-file", paramLabel = "PATH",
            description = "Write the metrics in Prometheus text format to this file after each backup, atomically"
                    + " (node_exporter textfile collector; env METRICS_FILE).")
    Path metricsFile;

    /** The metrics file, from the flag or METRICS_FILE, or {@code null}. */
    Path metricsFile(CliContext ctx) {
        return metricsFile != null ? metricsFile : ctx.env("METRICS_FILE") == null ? null : Path.of(ctx.env("METRICS_FILE"));
    }

    /** Writes the metrics file; a failure is reported on stderr and never changes the outcome. */
    static void writeMetrics(ServiceMetrics metrics, Path file, CliContext ctx) {
        if (file == null) {
            return;
        }
        try {
            metrics.writeTo(file);
        } catch (IOException | RuntimeException e) {
            ctx.err().println("Warning: cannot write the metrics file " + file + ": " + e.getMessage());
        }
    }
}
