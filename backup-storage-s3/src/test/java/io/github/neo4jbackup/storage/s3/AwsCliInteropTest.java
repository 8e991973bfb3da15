package io.github.neo4jbackup.storage.s3;

import io.github.neo4jbackup.core.spi.WriteMode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.github.neo4jbackup.storage.s3.TestData.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Objects written by the target are plain S3 objects: the AWS CLI ({@code aws s3 cp}) downloads them
 * and their SHA-256 matches; {@code aws s3api head-object} shows the recorded digest. Skipped when
 * the {@code aws} command is not installed (Debian package {@code awscli}).
 */
class AwsCliInteropTest {

    @TempDir
    Path dir;

    @Test
    @DisplayName("aws s3 cp retrieves single-part and multipart objects byte for byte")
    void awsCliReadsOurObjects() throws Exception {
        assumeThat(awsCliAvailable()).as("the aws command is installed").isTrue();
        S3ProxyServer server = S3ProxyServer.shared();
        String bucket = server.newBucket("awscli");
        try (S3StorageTarget target = S3StorageTarget.builder().config(server.config().build()).bucket(bucket)
                .prefix("backups").partSize(5 * MIB).build()) {
            for (long size : new long[] {100_000, 12L * MIB + 5}) {
                String key = "neo4j/object-" + size + ".bin";
                TestData.put(target, key, size, size, WriteMode.CREATE_NEW, Map.of("database", "neo4j"));
                String expected = target.stat(io.github.neo4jbackup.core.spi.ObjectKey.of(key)).orElseThrow()
                        .sha256().orElseThrow();
                Path file = dir.resolve("object-" + size + ".bin");

                String cp = aws(server, "s3", "cp", "s3://" + bucket + "/backups/" + key, file.toString());
                try (InputStream in = Files.newInputStream(file)) {
                    assertThat(TestData.sha256(in)).as("SHA-256 of the file aws s3 cp wrote; output: %s", cp)
                            .isEqualTo(expected);
                }
                String head = aws(server, "s3api", "head-object", "--bucket", bucket, "--key", "backups/" + key);
                assertThat(head).contains("\"sha256\": \"" + expected + "\"");
            }
        } finally {
            server.dropBucket(bucket);
        }
    }

    private String aws(S3ProxyServer server, String... args) throws IOException, InterruptedException {
        Path config = dir.resolve("aws-config");
        Files.writeString(config, "[default]\nregion = us-east-1\ns3 =\n    addressing_style = path\n");
        List<String> command = new ArrayList<>(List.of("aws", "--endpoint-url", server.endpoint().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET_KEY);
        env.put("AWS_CONFIG_FILE", config.toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-credentials").toString());
        env.put("AWS_REQUEST_CHECKSUM_CALCULATION", "when_required");
        env.put("AWS_RESPONSE_CHECKSUM_VALIDATION", "when_required");
        env.remove("AWS_PROFILE");
        Process process = builder.start();
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as("aws %s exit status; output:%n%s", String.join(" ", args), output).isZero();
        return output;
    }

    private static boolean awsCliAvailable() {
        try {
            Process p = new ProcessBuilder("aws", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
