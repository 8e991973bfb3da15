package io.github.neo4jbackup.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class R2TargetTest {

    static CliContext ctx(Map<String, String> env) {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return CliContext.of(env, sink, sink);
    }

    @Test
    void theEndpointComesFromTheAccountIdUnlessOneIsGiven() {
        Options.S3 none = new Options.S3();
        assertThat(R2Target.endpoint(ctx(Map.of("R2_ACCOUNT_ID", " 0123abcdef ")), none, "r2://b/p", "--to"))
                .isEqualTo(URI.create("https://0123abcdef.r2.cloudflarestorage.com"));
        Options.S3 given = new Options.S3();
        given.endpoint = "http://127.0.0.1:9000";
        assertThat(R2Target.endpoint(ctx(Map.of("R2_ACCOUNT_ID", "x")), given, "r2://b/p", "--to"))
                .isEqualTo(URI.create("http://127.0.0.1:9000"));
    }

    @Test
    void missingOrMalformedSettingsAreUsageErrorsNamingTheVariable() {
        Options.S3 none = new Options.S3();
        assertThatThrownBy(() -> R2Target.endpoint(ctx(Map.of()), none, "r2://b/p", "--to"))
                .isInstanceOf(CliException.class).hasMessageContaining("R2_ACCOUNT_ID");
        assertThatThrownBy(() -> R2Target.endpoint(ctx(Map.of("R2_ACCOUNT_ID", "evil.com/x")), none, "r2://b/p", "--to"))
                .hasMessageContaining("not an account id");
        try (Resources res = new Resources(ctx(Map.of("R2_ACCOUNT_ID", "abc")))) {
            assertThatThrownBy(() -> res.target("r2://", "--to", none, true)).hasMessageContaining("R2_BUCKET_NAME");
        }
        try (Resources res = new Resources(ctx(Map.of("R2_ACCOUNT_ID", "abc", "R2_ACCESS_KEY_ID", "k")))) {
            assertThatThrownBy(() -> res.target("r2://bucket/x", "--to", none, true))
                    .hasMessageContaining("R2_SECRET_ACCESS_KEY");
        }
    }
}
