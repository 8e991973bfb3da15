package io.github.neo4jbackup.reliability;

import com.exceptionfactory.jagged.x25519.X25519KeyPairGenerator;
import io.github.neo4jbackup.core.BackupException;
import io.github.neo4jbackup.core.BackupPipeline;
import io.github.neo4jbackup.core.BackupResult;
import io.github.neo4jbackup.core.IntegrityException;
import io.github.neo4jbackup.core.RestoreOptions;
import io.github.neo4jbackup.core.Secret;
import io.github.neo4jbackup.core.VerifyLevel;
import io.github.neo4jbackup.core.VerifyReport;
import io.github.neo4jbackup.core.spi.Transformer;
import io.github.neo4jbackup.core.transform.Compression;
import io.github.neo4jbackup.encryption.age.AgeEncryption;
import io.github.neo4jbackup.reliability.ReliabilitySupport.BytesSource;
import io.github.neo4jbackup.reliability.ReliabilitySupport.RecordingSink;
import io.github.neo4jbackup.storage.local.LocalStorageTarget;
import io.github.neo4jbackup.testkit.ReliabilityFigures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * <b>Guarantee shown:</b> a stored backup that was changed in any way after it was written — one
 * byte flipped anywhere, cut short at any length, or extended with garbage — is never verified as
 * good and never restored as if it were good, whatever the transformer chain (plain, gzip, zstd,
 * age X25519, zstd+age, gzip+age). A damaged manifest is refused with a {@link BackupException}
 * that says what is wrong, or (when the damage only touches descriptive text) the backup still
 * restores byte-identically; it never crashes and never restores different data.
 *
 * <p>Each chain makes a real backup of Graphiti-like JSON lines into a {@link LocalStorageTarget},
 * then damages the stored file on disk and, for every damage, checks three things: {@code verify(FULL)}
 * reports a problem; {@code restore} (verify first, the default) throws an
 * {@link IntegrityException} before the sink sees a byte; and {@code restore} without the
 * pre-verification also throws an {@link IntegrityException}, with the sink either stopped before
 * a clean end of data or (when the damaged bytes did not reach the decoded output, e.g. a gzip
 * header time stamp or trailing garbage) holding exactly the original data. The detection rate
 * per chain is recorded and must be 100 %.
 *
 * <p>System properties: {@code corruption.bytes} (raw size, default 131072), {@code corruption.flips}
 * (flipped positions per chain, default 600; the first and last 64 bytes are always included, the
 * rest sampled; all positions when the object is smaller), {@code corruption.truncations}
 * (default 150), {@code corruption.appends} (default 16), {@code corruption.manifestFlips}
 * (flipped manifest positions per chain, default 400; every byte when the manifest is smaller),
 * {@code corruption.seed}.
 *
 * <p>The manifest carries no checksum of its own: a flip that leaves valid JSON and only changes
 * descriptive values (host name, tool version, an attribute, a digit of a time stamp) is not
 * noticed. Those cases are counted as {@code harmless}: the data is still checked against the
 * hashes and sizes in the manifest, and the restore gives the original bytes.
 */
class CorruptionDetectionTest {

    private static final int BYTES = Integer.getInteger("corruption.bytes", 128 * 1024);
    private static final int FLIPS = Integer.getInteger("corruption.flips", 600);
    private static final int TRUNCATIONS = Integer.getInteger("corruption.truncations", 150);
    private static final int APPENDS = Integer.getInteger("corruption.appends", 16);
    private static final int MANIFEST_FLIPS = Integer.getInteger("corruption.manifestFlips", 400);
    private static final long SEED = Long.getLong("corruption.seed", 20_261_121L);

    private static final byte[] DATA = ReliabilitySupport.graphitiLines(BYTES, SEED);
    private static final AgeEncryption AGE = x25519();

    private static AgeEncryption x25519() {
        try {
            KeyPair pair = new X25519KeyPairGenerator().generateKeyPair();
            return AgeEncryption.builder().recipient(pair.getPublic().toString())
                    .identity(Secret.of(pair.getPrivate().toString())).build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A named transformer chain. */
    record Chain(String name, Supplier<List<Transformer>> transformers) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Chain> chains() {
        return List.of(
                new Chain("plain", List::of),
                new Chain("gzip", () -> List.of(Compression.gzip())),
                new Chain("zstd", () -> List.of(Compression.zstd())),
                new Chain("age-x25519", () -> List.of(AGE)),
                new Chain("zstd+age", () -> List.of(Compression.zstd(), AGE)),
                new Chain("gzip+age", () -> List.of(Compression.gzip(), AGE)));
    }

    /** One repository holding one backup of {@link #DATA}, and the stored file behind it. */
    private static final class Repo {
        final BackupPipeline pipeline;
        final String id;
        final Path dataFile;
        final Path manifestFile;
        final byte[] stored;
        final byte[] manifest;

        Repo(Path dir, Chain chain) throws IOException {
            pipeline = BackupPipeline.builder().source(new BytesSource("neo4j", DATA))
                    .transformers(chain.transformers().get()).target(LocalStorageTarget.of(dir)).build();
            BackupResult result = pipeline.backup();
            id = result.id();
            dataFile = dir.resolve(result.dataKey().value());
            manifestFile = dir.resolve(result.manifestKey().value());
            assertThat(dataFile).isRegularFile();
            assertThat(manifestFile).isRegularFile();
            stored = Files.readAllBytes(dataFile);
            manifest = Files.readAllBytes(manifestFile);
            assertThat(stored).hasSize((int) result.storedSize());
        }

        /** The undamaged backup verifies and restores to the original bytes (the control). */
        void assertIntact() throws IOException {
            Files.write(dataFile, stored);
            Files.write(manifestFile, manifest);
            assertThat(pipeline.verify(id, VerifyLevel.FULL).problems()).isEmpty();
            RecordingSink sink = new RecordingSink();
            pipeline.restore(id, sink);
            assertThat(sink.received.toByteArray()).isEqualTo(DATA);
            RecordingSink streaming = new RecordingSink();
            pipeline.restore(id, streaming, RestoreOptions.defaults().withVerifyFirst(false));
            assertThat(streaming.received.toByteArray()).isEqualTo(DATA);
        }
    }

    /** What happened to one damaged object. */
    private record Outcome(boolean detected, boolean sinkFinishedWithOriginal, String problem) {
    }

    private static Outcome damagedDataObject(Repo repo, byte[] damaged, String what) throws IOException {
        Files.write(repo.dataFile, damaged);
        VerifyReport report = repo.pipeline.verify(repo.id, VerifyLevel.FULL);
        if (report.ok() || report.problems().isEmpty()) {
            return new Outcome(false, false, what + ": verify FULL passed");
        }
        RecordingSink checked = new RecordingSink();
        Throwable refused = catchThrowable(() -> repo.pipeline.restore(repo.id, checked));
        if (!(refused instanceof IntegrityException) || checked.calls != 0) {
            return new Outcome(false, false, what + ": restore (verify first) gave " + refused + ", sink called "
                    + checked.calls + " times");
        }
        RecordingSink streaming = new RecordingSink();
        Throwable failed = catchThrowable(() -> repo.pipeline.restore(repo.id, streaming,
                RestoreOptions.defaults().withVerifyFirst(false)));
        if (!(failed instanceof IntegrityException)) {
            return new Outcome(false, false, what + ": restore without pre-verification gave " + failed);
        }
        boolean original = Arrays.equals(streaming.received.toByteArray(), DATA);
        if (streaming.finished && !original) {
            return new Outcome(false, false, what + ": the sink reached a clean end of damaged data");
        }
        return new Outcome(true, streaming.finished, null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chains")
    void everyDamageToTheStoredObjectIsRefused(Chain chain, @TempDir Path dir) throws IOException {
        Repo repo = new Repo(dir, chain);
        repo.assertIntact();
        byte[] stored = repo.stored;
        Random random = new Random(SEED ^ chain.name().hashCode());

        TreeSet<Integer> positions = new TreeSet<>();
        if (stored.length <= FLIPS) {
            for (int i = 0; i < stored.length; i++) {
                positions.add(i);
            }
        } else {
            for (int i = 0; i < Math.min(64, stored.length); i++) {
                positions.add(i);
                positions.add(stored.length - 1 - i);
            }
            while (positions.size() < FLIPS) {
                positions.add(random.nextInt(stored.length));
            }
        }
        List<String> missed = new ArrayList<>();
        int flipsDetected = 0;
        int flipsHarmlessToOutput = 0;
        for (int position : positions) {
            byte[] damaged = stored.clone();
            damaged[position] ^= (byte) (1 + random.nextInt(255));
            Outcome o = damagedDataObject(repo, damaged, "byte " + position + " flipped");
            if (o.detected()) {
                flipsDetected++;
                flipsHarmlessToOutput += o.sinkFinishedWithOriginal() ? 1 : 0;
            } else {
                missed.add(o.problem());
            }
        }

        TreeSet<Integer> lengths = new TreeSet<>(List.of(0, 1, stored.length - 1));
        while (lengths.size() < Math.min(TRUNCATIONS, stored.length)) {
            lengths.add(random.nextInt(stored.length));
        }
        int truncationsDetected = 0;
        for (int length : lengths) {
            Outcome o = damagedDataObject(repo, Arrays.copyOf(stored, length), "truncated to " + length);
            if (o.detected()) {
                truncationsDetected++;
            } else {
                missed.add(o.problem());
            }
        }

        int appendsDetected = 0;
        int appendsHarmlessToOutput = 0;
        for (int i = 0; i < APPENDS; i++) {
            int extra = i == 0 ? 1 : 1 + random.nextInt(4096);
            byte[] garbage = new byte[extra];
            random.nextBytes(garbage);
            byte[] damaged = Arrays.copyOf(stored, stored.length + extra);
            System.arraycopy(garbage, 0, damaged, stored.length, extra);
            Outcome o = damagedDataObject(repo, damaged, extra + " bytes appended");
            if (o.detected()) {
                appendsDetected++;
                appendsHarmlessToOutput += o.sinkFinishedWithOriginal() ? 1 : 0;
            } else {
                missed.add(o.problem());
            }
        }

        repo.assertIntact();
        int tried = positions.size() + lengths.size() + APPENDS;
        int detected = flipsDetected + truncationsDetected + appendsDetected;
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("raw.bytes", DATA.length);
        figures.put("stored.bytes", stored.length);
        figures.put("flips.tried", positions.size());
        figures.put("flips.detected", flipsDetected);
        figures.put("flips.outputUnchanged", flipsHarmlessToOutput);
        figures.put("truncations.tried", lengths.size());
        figures.put("truncations.detected", truncationsDetected);
        figures.put("appends.tried", APPENDS);
        figures.put("appends.detected", appendsDetected);
        figures.put("appends.outputUnchanged", appendsHarmlessToOutput);
        figures.put("detection.rate", String.format(java.util.Locale.ROOT, "%.2f%%", 100.0 * detected / tried));
        figures.put("data.lost", 0);
        ReliabilityFigures.record("corruption/" + chain.name(), figures);
        assertThat(missed.subList(0, Math.min(10, missed.size())))
                .as(missed.size() + " damages were not refused (chain " + chain + "), the first ones").isEmpty();
        assertThat(detected).isEqualTo(tried);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifestChains")
    void aDamagedManifestIsRefusedOrHarmless(Chain chain, @TempDir Path dir) throws IOException {
        Repo repo = new Repo(dir, chain);
        repo.assertIntact();
        byte[] manifest = repo.manifest;
        Random random = new Random(SEED ^ 0x5eed ^ chain.name().hashCode());
        TreeSet<Integer> positions = new TreeSet<>();
        if (manifest.length <= MANIFEST_FLIPS) {
            for (int i = 0; i < manifest.length; i++) {
                positions.add(i);
            }
        } else {
            while (positions.size() < MANIFEST_FLIPS) {
                positions.add(random.nextInt(manifest.length));
            }
        }
        List<byte[]> damages = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int position : positions) {
            byte[] damaged = manifest.clone();
            damaged[position] ^= (byte) (1 + random.nextInt(255));
            damages.add(damaged);
            names.add("manifest byte " + position + " flipped");
        }
        int truncations = 0;
        for (int length = 0; length < manifest.length; length += 1 + random.nextInt(16)) {
            damages.add(Arrays.copyOf(manifest, length));
            names.add("manifest truncated to " + length);
            truncations++;
        }

        int refused = 0;
        int harmless = 0;
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < damages.size(); i++) {
            Files.write(repo.manifestFile, damages.get(i));
            String what = names.get(i);
            Throwable verifyFailure = catchThrowable(() -> {
                VerifyReport report = repo.pipeline.verify(repo.id, VerifyLevel.FULL);
                if (!report.ok()) {
                    throw new IntegrityException(String.join("; ", report.problems()));
                }
            });
            RecordingSink sink = new RecordingSink();
            Throwable restoreFailure = catchThrowable(() -> repo.pipeline.restore(repo.id, sink));
            RecordingSink streaming = new RecordingSink();
            Throwable streamingFailure = catchThrowable(() -> repo.pipeline.restore(repo.id, streaming,
                    RestoreOptions.defaults().withVerifyFirst(false)));
            Throwable listFailure = catchThrowable(() -> repo.pipeline.list());
            if (listFailure != null) {
                failures.add(what + ": listing failed with " + listFailure);
                continue;
            }
            if (verifyFailure == null && restoreFailure == null && streamingFailure == null) {
                if (Arrays.equals(sink.received.toByteArray(), DATA)
                        && Arrays.equals(streaming.received.toByteArray(), DATA)) {
                    harmless++;
                } else {
                    failures.add(what + ": restore succeeded with different data");
                }
                continue;
            }
            boolean clear = true;
            for (Throwable t : Arrays.asList(verifyFailure, restoreFailure)) {
                if (!(t instanceof BackupException) || t.getMessage() == null || t.getMessage().isBlank()) {
                    clear = false;
                    failures.add(what + ": not a clear refusal: " + t);
                }
            }
            if (streamingFailure != null && !(streamingFailure instanceof BackupException)) {
                clear = false;
                failures.add(what + ": restore without pre-verification crashed: " + streamingFailure);
            }
            if (streamingFailure == null && !Arrays.equals(streaming.received.toByteArray(), DATA)) {
                clear = false;
                failures.add(what + ": restore without pre-verification succeeded with different data");
            }
            if (sink.calls != 0) {
                clear = false;
                failures.add(what + ": the sink was called although verification refused the backup");
            }
            if (clear) {
                refused++;
            }
        }
        repo.assertIntact();
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("manifest.bytes", manifest.length);
        figures.put("flips.tried", positions.size());
        figures.put("truncations.tried", truncations);
        figures.put("refused", refused);
        figures.put("harmless", harmless);
        figures.put("crashes.or.wrong.data", failures.size());
        ReliabilityFigures.record("corruption/manifest/" + chain.name(), figures);
        assertThat(failures).isEmpty();
        assertThat(refused + harmless).isEqualTo(damages.size());
        assertThat(refused).as("most damage is refused, not ignored").isGreaterThan(damages.size() / 2);
    }

    static List<Chain> manifestChains() {
        return chains().stream().filter(c -> c.name().equals("zstd+age") || c.name().equals("gzip")).toList();
    }

    @Test
    void aFlippedByteIsRefusedWithAClearMessageBeforeTheSinkIsCalled(@TempDir Path dir) throws IOException {
        Repo repo = new Repo(dir, chains().get(4));
        byte[] damaged = repo.stored.clone();
        damaged[damaged.length / 2] ^= 0x40;
        Files.write(repo.dataFile, damaged);
        VerifyReport report = repo.pipeline.verify(repo.id, VerifyLevel.FULL);
        assertThat(report.ok()).isFalse();
        assertThat(String.join(" ", report.problems())).satisfiesAnyOf(
                p -> assertThat(p).contains("SHA-256"), p -> assertThat(p).containsIgnoringCase("damaged"));
        RecordingSink sink = new RecordingSink();
        Throwable refused = catchThrowable(() -> repo.pipeline.restore(repo.id, sink));
        assertThat(refused).isInstanceOf(IntegrityException.class).hasMessageContaining("Refusing to restore")
                .hasMessageContaining("Nothing was written");
        assertThat(sink.calls).isZero();
    }
}
