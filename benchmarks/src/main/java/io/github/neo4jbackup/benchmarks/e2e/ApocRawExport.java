package io.github.neo4jbackup.benchmarks.e2e;

import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Record;
import org.neo4j.driver.Result;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The baseline "APOC export to a file": what a backup script does with APOC alone. It streams
 * {@code apoc.export.cypher.all} (the same configuration as the library's APOC engine: cypher-shell
 * format, batches of 10 000, {@code UNWIND_BATCH} of 100), reads <b>every</b> row and writes the
 * statements to a file, with no compression, checksum or upload. Run by the suite as a child JVM.
 *
 * <p>Usage: {@code ApocRawExport BOLT_URI DATABASE FILE}; prints {@code rows=R chars=C} on stdout.
 */
public final class ApocRawExport {

    private ApocRawExport() {
    }

    /**
     * Runs the export.
     *
     * @param args Bolt URI, database, output file
     * @throws IOException when the file cannot be written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: ApocRawExport BOLT_URI DATABASE FILE");
            System.exit(2);
        }
        Map<String, Object> config = Map.of("stream", true, "format", "cypher-shell", "batchSize", 10_000,
                "useOptimizations", Map.of("type", "UNWIND_BATCH", "unwindBatchSize", 100));
        long rows = 0;
        long chars = 0;
        try (Driver driver = GraphDatabase.driver(args[0], AuthTokens.none(), Config.builder().withoutEncryption().build());
             Session session = driver.session(SessionConfig.forDatabase(args[1]));
             Writer out = new BufferedWriter(Files.newBufferedWriter(Path.of(args[2]), StandardCharsets.UTF_8), 1 << 16)) {
            Result result = session.run("CALL apoc.export.cypher.all(null, $config) YIELD cypherStatements "
                    + "RETURN cypherStatements", Map.of("config", config));
            while (result.hasNext()) {
                Record r = result.next();
                String statements = r.get(0).asString();
                out.write(statements);
                if (!statements.endsWith("\n")) {
                    out.write('\n');
                }
                rows++;
                chars += statements.length();
            }
        }
        System.out.println("rows=" + rows + " chars=" + chars);
    }
}
