package io.github.neo4jbackup.cli;

import io.github.neo4jbackup.core.BackupNotFoundException;
import io.github.neo4jbackup.core.IntegrityException;
import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.LockHeldException;
import io.github.neo4jbackup.core.RestoreFailedException;
import io.github.neo4jbackup.core.SourceFailedException;
import io.github.neo4jbackup.core.StorageException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ExitCodesTest {

    @Test
    void mapsEveryFailureKind() {
        assertThat(ExitCodes.of(new InvalidInputException("bad"))).isEqualTo(2);
        assertThat(ExitCodes.of(new IntegrityException("tampered"))).isEqualTo(3);
        assertThat(ExitCodes.of(new LockHeldException("locked", "x", Instant.now()))).isEqualTo(4);
        assertThat(ExitCodes.of(new BackupNotFoundException("none"))).isEqualTo(1);
        assertThat(ExitCodes.of(new SourceFailedException("dump failed", new IOException()))).isEqualTo(1);
        assertThat(ExitCodes.of(new StorageException("s3 down", true, new IOException()))).isEqualTo(1);
        assertThat(ExitCodes.of(new RestoreFailedException("sink", null))).isEqualTo(1);
        assertThat(ExitCodes.of(new IllegalStateException("bug"))).isEqualTo(1);
        assertThat(ExitCodes.of(CliException.usage("flag"))).isEqualTo(2);
        assertThat(ExitCodes.of(CliException.failed("down", null))).isEqualTo(1);
        assertThat(ExitCodes.type(new IntegrityException("x"))).isEqualTo("IntegrityException");
        assertThat(ExitCodes.type(CliException.usage("x"))).isEqualTo("UsageError");
    }

    @Test
    void helpAndVersionSucceedOnStdout() {
        CliRun help = CliRun.inProcess(Map.of(), "backup", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("--engine", "--to", "--keep-within");
        CliRun version = CliRun.inProcess(Map.of(), "--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("neo4j-backup");
    }

    @Test
    void redactsUserInfo() {
        assertThat(Resources.redact("bolt://neo4j:secret@db:7687")).isEqualTo("bolt://db:7687");
        assertThat(Resources.redact("s3://bucket/prefix")).isEqualTo("s3://bucket/prefix");
    }
}
