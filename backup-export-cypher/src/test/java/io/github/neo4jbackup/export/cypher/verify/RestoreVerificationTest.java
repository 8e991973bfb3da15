package io.github.neo4jbackup.export.cypher.verify;

import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.VerifyLevel;
import io.github.neo4jbackup.core.VerifyReport;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.spi.Attributes;
import io.github.neo4jbackup.core.spi.RestoreSink;
import io.github.neo4jbackup.core.storage.InMemoryStorageTarget;
import io.github.neo4jbackup.core.transform.Compression;
import io.github.neo4jbackup.export.cypher.GraphitiFixture;
import io.github.neo4jbackup.export.cypher.Neo4jTestServer;
import io.github.neo4jbackup.export.cypher.apoc.ApocCypherSource;
import io.github.neo4jbackup.export.cypher.driver.DriverExportSource;
import io.github.neo4jbackup.export.cypher.driver.DriverRestoreSink;
import io.github.neo4jbackup.export.cypher.fingerprint.GraphFingerprint;
import io.github.neo4jbackup.export.cypher.script.CypherScriptSink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * verify(id, RESTORE): a backup of one server restored into a caller-supplied scratch server,
 * compared by counts and fingerprints with the manifest.
 */
class RestoreVerificationTest {

    static Neo4jTestServer production;
    static Neo4jTestServer scratch;

    @BeforeAll
    static void start() {
        production = Neo4jTestServer.start(true);
        scratch = Neo4jTestServer.start(false);
        GraphitiFixture.create(production.driver(), "neo4j");
    }

    @AfterAll
    static void stop() {
        production.close();
        scratch.close();
    }

    @Test
    void driverBackupVerifiesByRestoringIntoAScratchServer() throws IOException {
        BackupPipeline pipeline = BackupPipeline.builder()
                .source(DriverExportSource.builder(production.driver()).database("neo4j").build())
                .transform(Compression.zstd()).target(new InMemoryStorageTarget()).build();
        BackupResult result = pipeline.backup();
        GraphFingerprint source = GraphFingerprint.compute(production.driver(), "neo4j");
        assertThat(result.manifest().source().attributes())
                .containsEntry(Attributes.CONTENT_FINGERPRINT, source.content().hex())
                .containsEntry(Attributes.SCHEMA_FINGERPRINT, source.schema());

        RestoreSink scratchSink = DriverRestoreSink.builder(scratch.driver()).database("neo4j").wipe(true).build();
        VerifyReport ok = pipeline.verify(result.id(), VerifyLevel.RESTORE, scratchSink);
        assertThat(ok.ok()).as(ok.problems().toString()).isTrue();
        assertThat(GraphFingerprint.compute(scratch.driver(), "neo4j")).isEqualTo(source);

        // A scratch database that loses a relationship after the restore: the difference is named precisely.
        RestoreSink lossy = new RestoreSink() {
            @Override
            public boolean accepts(String sourceType) {
                return scratchSink.accepts(sourceType);
            }

            @Override
            public SinkResult restore(InputStream data, Manifest manifest) throws IOException {
                RestoreSink inner = DriverRestoreSink.builder(scratch.driver()).database("neo4j").wipe(true)
                        .computeFingerprint(false).build();
                inner.restore(data, manifest);
                try (var s = scratch.driver().session()) {
                    s.run("MATCH ()-[r:HAS_MEMBER]->() WITH r LIMIT 1 DELETE r").consume();
                }
                GraphFingerprint after = GraphFingerprint.compute(scratch.driver(), "neo4j");
                return new SinkResult(io.github.neo4jbackup.export.cypher.restore.TargetDatabase.counts(scratch.driver(),
                        "neo4j"), after.attributes());
            }
        };
        VerifyReport bad = pipeline.verify(result.id(), VerifyLevel.RESTORE, lossy);
        assertThat(bad.ok()).isFalse();
        assertThat(bad.problems()).anyMatch(p -> p.contains("relationships"))
                .anyMatch(p -> p.contains("'HAS_MEMBER'"))
                .anyMatch(p -> p.contains(Attributes.CONTENT_FINGERPRINT));
    }

    @Test
    void apocBackupVerifiesCountsAndSchemaByRestoringIntoAScratchServer() {
        BackupPipeline pipeline = BackupPipeline.builder()
                .source(ApocCypherSource.builder(production.driver()).database("neo4j").build())
                .transform(Compression.gzip()).target(new InMemoryStorageTarget()).build();
        BackupResult result = pipeline.backup();
        VerifyReport report = pipeline.verify(result.id(), VerifyLevel.RESTORE,
                CypherScriptSink.builder(scratch.driver()).database("neo4j").wipe(true).build());
        assertThat(report.ok()).as(report.problems().toString()).isTrue();
    }
}
