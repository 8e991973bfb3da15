package io.github.neo4jbackup.core.transform;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.util.Native;

import io.github.neo4jbackup.core.InvalidInputException;

/**
 * Probes zstd-jni's native library once. Kept apart from {@link ZstdTransformer} so that the
 * transformer class loads (and can report a clear error) even when zstd-jni is missing from the
 * class path or has no build for this platform.
 */
final class ZstdNative {

    private ZstdNative() {
    }

    /** The probe result, computed on first use. */
    private static final class Holder {
        static final Throwable FAILURE = probe();
    }

    private static Throwable probe() {
        try {
            Native.load();
            // a real call into the library, so a library that loaded but does not link is caught too
            Zstd.defaultCompressionLevel();
            return null;
        } catch (LinkageError | RuntimeException e) {
            return e;
        }
    }

    /**
     * Whether the native library loaded.
     *
     * @return {@code true} if zstd can be used
     */
    static boolean available() {
        return Holder.FAILURE == null;
    }

    /**
     * Fails unless the native library loaded.
     *
     * @throws InvalidInputException naming the platform and the cause when it did not
     */
    static void requireAvailable() {
        Throwable failure = Holder.FAILURE;
        if (failure != null) {
            throw unavailable(failure);
        }
    }

    /**
     * The exception for a zstd-jni that cannot be used: its classes are missing, or its native
     * library could not be loaded.
     *
     * @param cause why loading failed
     * @return the exception
     */
    static InvalidInputException unavailable(Throwable cause) {
        String alternative = ". Use gzip compression instead (Compression.gzip()), which needs no native code, or ";
        if (cause instanceof NoClassDefFoundError && String.valueOf(cause.getMessage()).contains("com/github/luben")) {
            return new InvalidInputException("zstd compression is not available: the zstd-jni library "
                    + "(com.github.luben:zstd-jni) is not on the class path (" + cause + ")" + alternative
                    + "add zstd-jni to the class path.", cause);
        }
        return new InvalidInputException("zstd compression is not available: zstd-jni's native library could not be "
                + "loaded on this platform (os.name=" + System.getProperty("os.name") + ", os.arch="
                + System.getProperty("os.arch") + "): " + cause + alternative
                + "put a zstd-jni build for this platform on the class path.", cause);
    }
}
