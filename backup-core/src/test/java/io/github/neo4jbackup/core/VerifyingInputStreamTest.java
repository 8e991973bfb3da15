package io.github.neo4jbackup.core;

import io.github.neo4jbackup.core.internal.Sha256;
import io.github.neo4jbackup.core.internal.VerifyingInputStream;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VerifyingInputStreamTest {

    private final byte[] data = "hello, graph".getBytes();

    @Test
    void passesMatchingData() throws IOException {
        VerifyingInputStream in = new VerifyingInputStream(new ByteArrayInputStream(data), data.length, Sha256.of(data), "x");
        assertThat(in.readAllBytes()).isEqualTo(data);
        assertThat(in.verified()).isTrue();
        assertThat(in.read()).isEqualTo(-1);
    }

    @Test
    void failsAtTheEndInsteadOfReportingEndOfStream() {
        byte[] other = data.clone();
        other[0] ^= 1;
        VerifyingInputStream in = new VerifyingInputStream(new ByteArrayInputStream(other), data.length, Sha256.of(data), "obj");
        assertThatThrownBy(in::readAllBytes).isInstanceOf(IntegrityException.class).hasMessageContaining("obj")
                .hasMessageContaining("SHA-256");
    }

    @Test
    void failsOnShortAndLongData() {
        VerifyingInputStream shorter = new VerifyingInputStream(new ByteArrayInputStream(data, 0, 5), data.length,
                Sha256.of(data), "x");
        assertThatThrownBy(shorter::readAllBytes).isInstanceOf(IntegrityException.class).hasMessageContaining("truncated");
        VerifyingInputStream longer = new VerifyingInputStream(new ByteArrayInputStream(data), data.length - 1,
                Sha256.of(data), "x");
        assertThatThrownBy(longer::readAllBytes).isInstanceOf(IntegrityException.class).hasMessageContaining("longer");
    }

    @Test
    void sizeOnlyChecksTheSizeButNotTheContent() throws IOException {
        byte[] other = data.clone();
        other[0] ^= 1;
        VerifyingInputStream same = VerifyingInputStream.sizeOnly(new ByteArrayInputStream(other), data.length, "x");
        assertThat(same.readAllBytes()).isEqualTo(other);
        assertThat(same.verified()).isTrue();
        VerifyingInputStream shorter = VerifyingInputStream.sizeOnly(new ByteArrayInputStream(data, 0, 5), data.length,
                "x");
        assertThatThrownBy(shorter::readAllBytes).isInstanceOf(IntegrityException.class).hasMessageContaining("truncated");
        VerifyingInputStream longer = VerifyingInputStream.sizeOnly(new ByteArrayInputStream(data), data.length - 1, "x");
        assertThatThrownBy(longer::readAllBytes).isInstanceOf(IntegrityException.class).hasMessageContaining("longer");
    }
}
