package io.github.neo4jbackup.export.admin.internal;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The withheld tail, the error-output tail and the process runner. */
class ProcessHelpersTest {

    @Test
    void withheldTailPassesEverythingButTheLastBytesUntilReleased() throws IOException {
        Random random = new Random(3);
        for (int withhold : new int[] {1, 10, 1000, 1024, 4999, 5000, 6000}) {
            byte[] data = new byte[5000];
            random.nextBytes(data);
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            WithheldTailOutputStream out = new WithheldTailOutputStream(sink, withhold);
            int i = 0;
            while (i < data.length) {
                // chunks smaller and larger than what is held, so the held bytes wrap around
                int n = Math.min(random.nextInt(random.nextBoolean() ? 300 : 2500), data.length - i);
                out.write(data, i, n);
                i += n;
                assertThat(sink.toByteArray()).isEqualTo(Arrays.copyOf(data, Math.max(0, i - withhold)));
                assertThat(out.withheld()).isEqualTo(Math.min(i, withhold));
            }
            out.close();
            assertThat(sink.size()).isEqualTo(Math.max(0, data.length - withhold));
            out.release();
            assertThat(sink.toByteArray()).isEqualTo(data);
            assertThat(out.passed()).isEqualTo(data.length);
            assertThatThrownBy(() -> out.write(1)).isInstanceOf(IOException.class);
        }
    }

    @Test
    void errorTailKeepsTheLastMeaningfulLines() throws IOException {
        String script = "for i in $(seq 1 300); do echo \"Files: $i/300, data: 1.0%\" >&2; done; "
                + "for i in $(seq 1 50); do echo \"....................  $i%\" >&2; done; "
                + "for i in $(seq 1 500); do echo \"line $i of the log\" >&2; done; "
                + "echo 'Failed to dump: the real reason' >&2; exit 3";
        try (AdminProcess p = AdminProcess.start(List.of("sh", "-c", script), Map.of(), null, Duration.ofSeconds(30),
                "test", AdminProcess.Stdout.DRAIN, false)) {
            assertThat(p.waitFor()).isEqualTo(3);
            String tail = p.errorTail();
            assertThat(tail).endsWith("Failed to dump: the real reason").contains("line 500 of the log")
                    .doesNotContain("Files:").doesNotContain("....").doesNotContain("line 1 of the log\n");
            assertThat(tail.length()).isLessThanOrEqualTo(8192);
        }
        assertThat(AdminProcess.describeExit(1)).isEqualTo("exited with code 1");
        assertThat(AdminProcess.describeExit(143)).isEqualTo("was killed by signal 15 (exit code 143)");
    }

    @Test
    void environmentIsPassedAndTimeoutKillsTheTree() throws IOException {
        try (AdminProcess p = AdminProcess.start(List.of("sh", "-c", "echo \"$NEO4J_CONF\""),
                Map.of("NEO4J_CONF", "/etc/neo4j-test"), null, Duration.ofSeconds(30), "env",
                AdminProcess.Stdout.DRAIN, false)) {
            assertThat(p.waitFor()).isZero();
            assertThat(p.outputText()).isEqualTo("/etc/neo4j-test");
        }
        long start = System.nanoTime();
        try (AdminProcess p = AdminProcess.start(List.of("sh", "-c", "sleep 300 & sleep 300 & wait"), Map.of(), null,
                Duration.ofMillis(500), "hang", AdminProcess.Stdout.DRAIN, false)) {
            List<ProcessHandle> children = waitForChildren(p, 2);
            assertThat(children).hasSize(2);
            p.waitFor();
            assertThat(p.timedOut()).isTrue();
            assertThat(p.killed()).isTrue();
            for (ProcessHandle child : children) {
                assertThat(child.onExit()).succeedsWithin(Duration.ofSeconds(10));
            }
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }

    private static List<ProcessHandle> waitForChildren(AdminProcess p, int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<ProcessHandle> children = List.of();
        while (System.nanoTime() < deadline && children.size() < count) {
            children = ProcessHandle.of(p.pid()).map(h -> h.descendants().toList()).orElse(List.of());
        }
        return children;
    }
}
