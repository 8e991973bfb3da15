package io.github.neo4jbackup.benchmarks.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads a JMH JSON result file ({@code -rf json}) and prints Markdown tables: each of our benchmarks
 * as a ratio against its baseline from the same run and with the same parameters, then every result
 * in absolute figures.
 *
 * <p>Time ratio = our time per operation / the baseline's (1.03× = ours takes 3 % longer); throughput
 * ratio = our MB/s / the baseline's (its inverse). The ± is the combined 99.9 % error JMH reports for
 * the two scores. Rows with a target (our plumbing around a library: at most 5 % slower) say
 * whether it is met: "met", "not met", or "unclear" when the error interval straddles the target.
 * MB/s (10^6 bytes per second) come from the {@code bytes} counter (see {@link ByteCounter}).
 *
 * <p>Usage: {@code JmhReport results.json [report.md]}; without a second argument the report goes to
 * standard output.
 */
public final class JmhReport {

    private static final String PACKAGE = JmhReport.class.getPackageName() + ".";
    private static final double TARGET = 1.05;

    /** One comparison: our method against a baseline method of the same class. */
    private record Pair(String benchmarkClass, String ours, String baseline, String label, boolean targeted) {
    }

    /** The comparisons the report knows, in report order. */
    private static final List<Pair> PAIRS = List.of(
            new Pair("TransformerThroughputBenchmark", "encode", "encodeRaw", "encode: ours vs raw library stream",
                    true),
            new Pair("TransformerThroughputBenchmark", "decode", "decodeRaw", "decode: ours vs raw library stream",
                    true),
            new Pair("PipelineCopyBenchmark", "backup", "directHashed",
                    "BackupPipeline.backup vs raw streams + 2×SHA-256", true),
            new Pair("PipelineCopyBenchmark", "backup", "direct", "BackupPipeline.backup vs raw streams, no hashing",
                    false),
            new Pair("ChecksumBenchmark", "countingWrite", "digestWrite", "CountingOutputStream vs MessageDigest loop",
                    true),
            new Pair("ChecksumBenchmark", "verifyingRead", "digestRead", "VerifyingInputStream vs MessageDigest loop",
                    true),
            new Pair("GraphFormatBenchmark", "encode", "encodeJackson",
                    "GraphFileWriter vs Jackson generator (reference)", false),
            new Pair("GraphFormatBenchmark", "decode", "decodeJackson",
                    "GraphFileReader vs Jackson readTree (reference)", false));

    /** One result row of the JSON file. */
    private record Result(String benchmarkClass, String method, Map<String, String> params, String mode,
            double score, double error, String unit, Optional<Double> bytesPerSecond) {

        String paramText() {
            if (params.isEmpty()) {
                return "";
            }
            List<String> parts = new ArrayList<>();
            params.forEach((k, v) -> parts.add(k + "=" + v));
            return String.join(", ", parts);
        }

        /** Relative error of the score, 0 when JMH gave none (a single iteration). */
        double relativeError() {
            return Double.isFinite(error) && score != 0 ? Math.abs(error / score) : 0;
        }
    }

    private JmhReport() {
    }

    /**
     * Prints the report.
     *
     * @param args the JSON file, and optionally the Markdown file to write
     * @throws IOException when a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: JmhReport results.json [report.md]");
            System.exit(2);
        }
        List<Result> results = read(Path.of(args[0]));
        String report = render(results, Path.of(args[0]).getFileName().toString());
        if (args.length == 2) {
            Files.writeString(Path.of(args[1]), report, StandardCharsets.UTF_8);
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        out.print(report);
    }

    static List<Result> read(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        List<Result> results = new ArrayList<>();
        for (JsonNode row : root) {
            String name = row.path("benchmark").asText();
            int dot = name.lastIndexOf('.');
            String cls = name.substring(0, dot);
            if (cls.startsWith(PACKAGE)) {
                cls = cls.substring(PACKAGE.length());
            }
            Map<String, String> params = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = row.path("params").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                params.put(e.getKey(), e.getValue().asText());
            }
            JsonNode primary = row.path("primaryMetric");
            JsonNode bytes = row.path("secondaryMetrics").path("bytes");
            Optional<Double> bytesPerSecond = bytes.isMissingNode() ? Optional.empty()
                    : Optional.of(perSecond(bytes.path("score").asDouble(), bytes.path("scoreUnit").asText()));
            results.add(new Result(cls, name.substring(dot + 1), params, row.path("mode").asText(),
                    primary.path("score").asDouble(), primary.path("scoreError").asDouble(Double.NaN),
                    primary.path("scoreUnit").asText(), bytesPerSecond));
        }
        return results;
    }

    /** Converts a rate such as {@code ops/ms} to per second. */
    private static double perSecond(double score, String unit) {
        String per = unit.substring(unit.indexOf('/') + 1);
        return switch (per) {
            case "s" -> score;
            case "ms" -> score * 1e3;
            case "us" -> score * 1e6;
            case "ns" -> score * 1e9;
            case "min" -> score / 60;
            default -> Double.NaN;
        };
    }

    static String render(List<Result> results, String source) {
        StringBuilder sb = new StringBuilder();
        sb.append("Ratios from ").append(source).append(" (ours / baseline, same run, same parameters; ")
                .append("target for our plumbing: time ratio ≤ ").append(fmt(TARGET)).append("×)\n\n");
        sb.append("| Comparison | Parameters | Ours MB/s | Baseline MB/s | Time ratio | Throughput ratio | Target |\n");
        sb.append("|---|---|---:|---:|---:|---:|---|\n");
        for (Pair pair : PAIRS) {
            for (Result ours : results) {
                if (!ours.benchmarkClass().equals(pair.benchmarkClass()) || !ours.method().equals(pair.ours())) {
                    continue;
                }
                Optional<Result> base = results.stream()
                        .filter(r -> r.benchmarkClass().equals(pair.benchmarkClass())
                                && r.method().equals(pair.baseline()) && r.params().equals(ours.params()))
                        .findFirst();
                if (base.isEmpty()) {
                    continue;
                }
                row(sb, pair, ours, base.get());
            }
        }
        sb.append("\nAll results\n\n");
        sb.append("| Benchmark | Parameters | Score | Error (99.9 %) | Unit | MB/s |\n");
        sb.append("|---|---|---:|---:|---|---:|\n");
        Map<String, List<Result>> byClass = new LinkedHashMap<>();
        for (Result r : results) {
            byClass.computeIfAbsent(r.benchmarkClass(), k -> new ArrayList<>()).add(r);
        }
        byClass.forEach((cls, rows) -> {
            for (Result r : rows) {
                sb.append("| ").append(cls).append('.').append(r.method()).append(" | ").append(r.paramText())
                        .append(" | ").append(String.format(Locale.ROOT, "%.3f", r.score()))
                        .append(" | ").append(Double.isFinite(r.error())
                                ? String.format(Locale.ROOT, "%.3f", r.error()) : "n/a")
                        .append(" | ").append(r.unit())
                        .append(" | ").append(r.bytesPerSecond().map(JmhReport::mb).orElse("n/a")).append(" |\n");
            }
        });
        return sb.toString();
    }

    private static void row(StringBuilder sb, Pair pair, Result ours, Result base) {
        boolean higherIsBetter = ours.mode().equals("thrpt");
        double timeRatio = higherIsBetter ? base.score() / ours.score() : ours.score() / base.score();
        double relError = Math.sqrt(Math.pow(ours.relativeError(), 2) + Math.pow(base.relativeError(), 2));
        double band = timeRatio * relError;
        String target;
        if (!pair.targeted()) {
            target = "reference";
        } else if (timeRatio + band <= TARGET) {
            target = "met";
        } else if (timeRatio - band > TARGET) {
            target = "**not met**";
        } else {
            target = "unclear (noise)";
        }
        sb.append("| ").append(pair.label()).append(" | ").append(ours.paramText())
                .append(" | ").append(ours.bytesPerSecond().map(JmhReport::mb).orElse("n/a"))
                .append(" | ").append(base.bytesPerSecond().map(JmhReport::mb).orElse("n/a"))
                .append(" | ").append(fmt(timeRatio)).append("× ± ").append(String.format(Locale.ROOT, "%.2f", band))
                .append(" | ").append(fmt(1 / timeRatio)).append('×')
                .append(" | ").append(target).append(" |\n");
    }

    private static String mb(double bytesPerSecond) {
        return Double.isFinite(bytesPerSecond) ? String.format(Locale.ROOT, "%.1f", bytesPerSecond / 1e6) : "n/a";
    }

    private static String fmt(double ratio) {
        return String.format(Locale.ROOT, "%.2f", ratio);
    }
}
