package io.github.neo4jbackup.examples;

import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.VerifyLevel;
import io.github.neo4jbackup.core.storage.InMemoryStorageTarget;
import io.github.neo4jbackup.core.transform.Compression;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The custom source (a generator, no database) goes through the whole pipeline. */
class SampleGraphSourceTest {

    @Test
    void customSourceIsBackedUpVerifiedAndDeterministic() {
        BackupPipeline pipeline = BackupPipeline.builder().source(new SampleGraphSource("neo4j", 2_000, 8, 7))
                .transform(Compression.gzip()).target(new InMemoryStorageTarget()).build();
        BackupResult first = pipeline.backup();
        assertThat(first.manifest().source().type()).isEqualTo("sample-cypher");
        assertThat(first.counts().nodes()).isEqualTo(4_000);
        assertThat(pipeline.verify(first.id(), VerifyLevel.FULL).ok()).isTrue();

        BackupPipeline again = pipeline.toBuilder().target(new InMemoryStorageTarget()).build();
        assertThat(again.backup().rawSha256()).isEqualTo(first.rawSha256());
    }
}
