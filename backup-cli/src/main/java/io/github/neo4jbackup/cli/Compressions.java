package io.github.neo4jbackup.cli;

import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.spi.Transformer;
import io.github.neo4jbackup.core.transform.Compression;
import io.github.neo4jbackup.core.transform.ZstdTransformer;

import java.util.Optional;

/**
 * The compression transformer of {@code backup} and {@code import}, from {@code --compress},
 * {@code --level} and {@code --zstd-workers}.
 *
 * <p>zstd compresses on one background thread by default when the machine has two or more cores
 * ({@link #defaultZstdWorkers()}): the exporting thread then encodes the next records while the
 * previous ones are compressed. On a 2-core machine with the server beside it, a 1M-entity driver
 * backup took 16.7–17.4 s with one worker against 22.3–23.7 s without (two interleaved pairs); at
 * 100k entities the difference was within the noise. zstd's worker keeps its jobs' buffers in native
 * memory, not on the heap: the 1M backup's resident size grew by about 28 MiB (302 to 331 MiB at
 * {@code -Xmx256m}), the same at any database size. The stored stream decodes the same with any
 * number of workers.
 */
final class Compressions {

    private Compressions() {
    }

    /** @return 1 when the machine has two or more cores, else 0 (compress on the writing thread) */
    static int defaultZstdWorkers() {
        return Runtime.getRuntime().availableProcessors() >= 2 ? 1 : 0;
    }

    /**
     * The transformer for the options, or empty for {@code none}.
     *
     * @param algorithm {@code zstd}, {@code gzip} or {@code none}
     * @param level     the level, or {@code null} for the codec's default
     * @param workers   zstd worker threads, or {@code null} for {@link #defaultZstdWorkers()}
     * @throws CliException a usage error naming the option that is wrong
     */
    static Optional<Transformer> of(String algorithm, Integer level, Integer workers) {
        if (workers != null && !"zstd".equals(algorithm)) {
            throw CliException.usage("--zstd-workers needs --compress zstd");
        }
        switch (algorithm) {
            case "none":
                if (level != null) {
                    throw CliException.usage("--level needs --compress zstd or gzip");
                }
                return Optional.empty();
            case "gzip":
                try {
                    return Optional.of(level == null ? Compression.gzip() : Compression.gzip(level));
                } catch (InvalidInputException | IllegalArgumentException e) {
                    throw CliException.usage("--level " + level + ": " + e.getMessage(), e);
                }
            default:
                int w = workers == null ? defaultZstdWorkers() : workers;
                int l = level == null ? ZstdTransformer.DEFAULT_LEVEL : level;
                try {
                    return Optional.of(Compression.zstd(l, w));
                } catch (InvalidInputException | IllegalArgumentException e) {
                    String option = workers != null && e.getMessage() != null && e.getMessage().contains("workers")
                            ? "--zstd-workers " + workers : "--level " + level;
                    throw CliException.usage(option + ": " + e.getMessage(), e);
                }
        }
    }
}
