package io.github.neo4jbackup.core;

import io.github.neo4jbackup.core.TestSupport.HashingSink;
import io.github.neo4jbackup.core.TestSupport.MutableClock;
import io.github.neo4jbackup.core.internal.Sha256;
import io.github.neo4jbackup.core.manifest.Manifest;
import io.github.neo4jbackup.core.operation.ImportFormat;
import io.github.neo4jbackup.core.storage.InMemoryStorageTarget;
import io.github.neo4jbackup.core.transform.Compression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Adopting existing files as backups ({@link io.github.neo4jbackup.core.operation.Importer}). */
class ImportTest {

    static final String APOC_SCRIPT = String.join("\n",
            ":begin",
            "CREATE CONSTRAINT UNIQUE_IMPORT_NAME FOR (node:`UNIQUE IMPORT LABEL`) REQUIRE (node.`UNIQUE IMPORT ID`) IS UNIQUE;",
            ":commit",
            ":begin",
            "UNWIND [{_id:0, properties:{name:\"Ada\"}}] AS row",
            "CREATE (n:`UNIQUE IMPORT LABEL`{`UNIQUE IMPORT ID`: row._id}) SET n += row.properties SET n:Person;",
            ":commit", "");

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-10T08:00:00Z"));
    private final InMemoryStorageTarget target = new InMemoryStorageTarget(clock);

    @TempDir
    Path dir;

    private BackupPipeline pipeline() {
        return BackupPipeline.builder().target(target).transform(Compression.zstd()).clock(clock).host("importer")
                .label("origin", "legacy").verifyAfterBackup(VerifyLevel.FULL).build();
    }

    /** Bytes shaped like a neo4j-admin dump's start (DZV1 + zstd frame magic) followed by noise. */
    private Path fakeDump(String name) throws IOException {
        byte[] bytes = new byte[100_000];
        new Random(5).nextBytes(bytes);
        byte[] header = {'D', 'Z', 'V', '1', 0x28, (byte) 0xb5, 0x2f, (byte) 0xfd};
        System.arraycopy(header, 0, bytes, 0, header.length);
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        return file;
    }

    @Test
    void formatsAreToldFromTheHeader() throws IOException {
        assertThat(ImportFormat.detect(fakeDump("a.dump")).engine()).isEqualTo(ImportFormat.ADMIN);
        Path apoc = Files.writeString(dir.resolve("x.cypher"), APOC_SCRIPT);
        assertThat(ImportFormat.detect(apoc).engine()).isEqualTo(ImportFormat.APOC);
        Path plain = Files.writeString(dir.resolve("y.cypher"), "// hand written\n\nCREATE (:Person {name: 'Ada'});\n");
        assertThat(ImportFormat.detect(plain).engine()).isEqualTo(ImportFormat.SCRIPT);

        Path noFrame = Files.write(dir.resolve("b.dump"), "DZV1 not a zstd frame".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> ImportFormat.detect(noFrame)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("DZV1").hasMessageContaining("damaged");
        Path text = Files.writeString(dir.resolve("notes.txt"), "Dear diary,\ntoday I backed up nothing.\n");
        assertThatThrownBy(() -> ImportFormat.detect(text)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("neither a neo4j-admin dump").hasMessageContaining("Dear diary");
        Path gz = Files.write(dir.resolve("s.cypher.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0});
        assertThatThrownBy(() -> ImportFormat.detect(gz)).hasMessageContaining("decompress it first");
        Path empty = Files.write(dir.resolve("empty"), new byte[0]);
        assertThatThrownBy(() -> ImportFormat.detect(empty)).hasMessageContaining("empty");
    }

    @Test
    void aDumpIsStoredAsItIsWithAFullManifestAndReadsBackExactly() throws IOException {
        Path file = fakeDump("neo4j.dump");
        Instant mtime = Instant.parse("2025-12-24T03:00:00Z");
        Files.setLastModifiedTime(file, FileTime.from(mtime));
        byte[] original = Files.readAllBytes(file);
        BackupPipeline p = pipeline();

        BackupResult r = p.importFile(file, "neo4j", null);

        assertThat(r.id()).isEqualTo("neo4j-20251224T030000Z");
        assertThat(r.dataKey().value()).isEqualTo("neo4j/neo4j-20251224T030000Z.dump");
        Manifest m = p.find(r.id());
        assertThat(m.createdAt()).isEqualTo(mtime);
        assertThat(m.finishedAt()).isEqualTo(clock.instant());
        assertThat(m.source().type()).isEqualTo("neo4j-admin");
        assertThat(m.source().attributes()).containsEntry("dump.format", "DZV1").containsEntry("import.file", "neo4j.dump")
                .containsKey("compression.skipped");
        assertThat(m.transformers()).isEmpty();
        assertThat(m.labels()).containsEntry("origin", "legacy");
        assertThat(m.object().rawSha256()).isEqualTo(HexFormat.of().formatHex(Sha256.newDigest().digest(original)));
        assertThat(m.object().storedSha256()).isEqualTo(m.object().rawSha256());
        assertThat(p.verify(r.id(), VerifyLevel.FULL).ok()).isTrue();
        HashingSink sink = new HashingSink();
        p.restore(r.id(), sink);
        assertThat(sink.sha256).isEqualTo(m.object().rawSha256());

        assertThatThrownBy(() -> p.importFile(file, "neo4j", null)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("already has a backup neo4j-20251224T030000Z");
        assertThat(p.list()).hasSize(1);
    }

    @Test
    void aScriptIsCompressedLikeAnyBackupAndTakenAtNamesIt() throws IOException {
        Path file = Files.writeString(dir.resolve("export.cypher"), APOC_SCRIPT.repeat(50));
        BackupPipeline p = pipeline();
        BackupResult r = p.importFile(file, "memory", Instant.parse("2025-06-01T12:34:56Z"));
        assertThat(r.id()).isEqualTo("memory-20250601T123456Z");
        assertThat(r.dataKey().value()).endsWith(".cypher.zst");
        assertThat(r.manifest().source().type()).isEqualTo("cypher-apoc");
        assertThat(r.storedSize()).isLessThan(r.rawSize());
        HashingSink sink = new HashingSink();
        p.restore(r.id(), sink);
        assertThat(sink.sha256).isEqualTo(HexFormat.of().formatHex(Sha256.newDigest().digest(Files.readAllBytes(file))));
    }

    @Test
    void aRandomFileIsRefusedAndNothingIsWritten() throws IOException {
        byte[] noise = new byte[10_000];
        new Random(1).nextBytes(noise);
        Path file = Files.write(dir.resolve("random.bin"), noise);
        assertThatThrownBy(() -> pipeline().importFile(file, "neo4j", null)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("neither a neo4j-admin dump");
        assertThat(target.keys()).isEmpty();
        assertThatThrownBy(() -> pipeline().importFile(dir, "neo4j", null)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not a regular file");
        assertThatThrownBy(() -> pipeline().importFile(file, "bad name!", null)).isInstanceOf(InvalidInputException.class);
        assertThat(target.keys()).isEmpty();
    }
}
