package io.github.neo4jbackup.storage.local;

import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.spi.ObjectInfo;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.ObjectNotFoundException;
import io.github.neo4jbackup.core.spi.ObjectPage;
import io.github.neo4jbackup.core.spi.PendingObject;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.core.spi.WriteMode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A {@link StorageTarget} in a directory of the local file system (or a mounted network share).
 *
 * <p>Each object is a regular file at {@code root/<key>}; the slashes of the key become
 * directories. Writes follow the restic recipe, so a crash never leaves a partial object under its
 * final name:
 * <ol>
 *   <li>the bytes go to a temporary file in the object's own directory, named
 *       {@code .<name>.<16 hex digits>.tmp} (see {@link #isTemporaryFileName(String)});</li>
 *   <li>commit flushes and {@code fsync}s the temporary file;</li>
 *   <li>{@link WriteMode#OVERWRITE} renames it over the final name atomically;
 *       {@link WriteMode#CREATE_NEW} hard-links it to the final name, which fails atomically if the
 *       name is taken, and then removes the temporary name;</li>
 *   <li>the directory is {@code fsync}ed so the new name survives a crash (skipped silently on
 *       platforms that cannot sync a directory).</li>
 * </ol>
 * Temporary files are never listed, stat-ed or opened as objects; {@link #cleanupIncomplete(Instant)}
 * removes those a killed process left behind. A key whose file name itself looks like a temporary
 * file is rejected.
 *
 * <p>Keys are validated by {@link ObjectKey}; in addition, every path is checked to stay under the
 * root after resolving symbolic links, so a link inside the root cannot lead a write or a read
 * outside it. Symbolic links to directories are not followed when listing. On file systems without
 * hard links, {@link WriteMode#CREATE_NEW} falls back to a rename after an existence check, which is
 * not atomic against a concurrent writer of the same key.
 *
 * <p>Local files keep no user metadata: {@link ObjectInfo#metadata()} is always empty. The
 * modification time reported is the file's. A key cannot be both an object and the directory
 * prefix of other objects (for example {@code a} and {@code a/b}); such a write fails with an
 * {@link IOException} naming the conflict.
 *
 * <p>This class is the public entry point and delegates to package-private collaborators, one per
 * concern: {@code LocalPaths} (keys to paths under the root, containment checks, directories),
 * {@code LocalWrites} and {@code LocalPendingObject} (temporary files, the atomic write and its
 * {@code fsync}s, conditional create) and {@code LocalListing} (the ordered directory walk).
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class LocalStorageTarget implements StorageTarget {

    /** The page size of listings when none is given. */
    public static final int DEFAULT_PAGE_SIZE = 1000;

    private static final Pattern TEMPORARY_NAME = Pattern.compile("\\..*\\.[0-9a-f]{16}\\.tmp", Pattern.DOTALL);

    private final LocalPaths paths;
    private final int pageSize;
    private final LocalWrites writes;
    private final LocalListing listing;

    private LocalStorageTarget(Path root, Path realRoot, int pageSize) {
        this.paths = new LocalPaths(root, realRoot);
        this.pageSize = pageSize;
        this.writes = new LocalWrites(paths);
        this.listing = new LocalListing(paths, pageSize);
    }


    /**
     * Opens a target in a directory, creating the directory (and its parents) if missing, with
     * listing pages of {@value #DEFAULT_PAGE_SIZE} objects.
     *
     * @param root the directory
     * @return the target
     * @throws InvalidInputException when the path is a file, cannot be created or is not writable
     */
    public static LocalStorageTarget of(Path root) {
        return of(root, DEFAULT_PAGE_SIZE);
    }

    /**
     * Opens a target in a directory, creating the directory (and its parents) if missing.
     *
     * @param root     the directory
     * @param pageSize the most objects a listing page holds; at least 1
     * @return the target
     * @throws InvalidInputException when the path is a file, cannot be created or is not writable,
     *                               or the page size is smaller than 1
     */
    public static LocalStorageTarget of(Path root, int pageSize) {
        Objects.requireNonNull(root, "root");
        if (pageSize < 1) {
            throw new InvalidInputException("The listing page size of a local storage target must be at least 1,"
                    + " but was " + pageSize + ".");
        }
        Path absolute = root.toAbsolutePath().normalize();
        if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
            throw new InvalidInputException("The backup location '" + absolute + "' is a file, not a directory."
                    + " Point the local storage target at a directory (it is created if missing).");
        }
        try {
            Files.createDirectories(absolute);
        } catch (IOException e) {
            throw new InvalidInputException("Cannot create the backup directory '" + absolute + "': "
                    + LocalPaths.reason(e) + ". Check that the path is right and that this user may create it.", e);
        }
        Path real;
        try {
            real = absolute.toRealPath();
        } catch (IOException e) {
            throw new InvalidInputException("Cannot resolve the backup directory '" + absolute + "': "
                    + LocalPaths.reason(e) + ". Check that the path is right and readable.", e);
        }
        if (!Files.isWritable(real)) {
            throw new InvalidInputException("The backup directory '" + absolute + "' is not writable by this user."
                    + " Grant write permission or choose another directory.");
        }
        return new LocalStorageTarget(absolute, real, pageSize);
    }

    /**
     * Tells whether a file name is one this target uses for temporary files:
     * {@code .<name>.<16 lower-case hex digits>.tmp}.
     *
     * @param fileName a file name (no directory)
     * @return {@code true} for a temporary file name
     */
    public static boolean isTemporaryFileName(String fileName) {
        return TEMPORARY_NAME.matcher(fileName).matches();
    }

    /**
     * The directory the objects live in, as given (absolute, normalized).
     *
     * @return the root directory
     */
    public Path root() {
        return paths.root();
    }

    /**
     * The most objects a listing page holds.
     *
     * @return the page size
     */
    public int pageSize() {
        return pageSize;
    }

    /**
     * {@code file:} followed by the absolute root path.
     *
     * @return the description
     */
    @Override
    public String describe() {
        return paths.describe();
    }

    /**
     * Starts writing an object into a temporary file next to its final name.
     *
     * @param key      the key
     * @param metadata ignored: local files keep no metadata
     * @param mode     what to do if the key exists at commit time
     * @return the pending write
     * @throws InvalidInputException when the key leads outside the root or cannot be a file name here
     * @throws IOException           when the directory or the temporary file cannot be created
     */
    @Override
    public PendingObject create(ObjectKey key, Map<String, String> metadata, WriteMode mode) throws IOException {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(mode, "mode");
        return writes.create(key, mode);
    }

    /**
     * Opens a committed object.
     *
     * @param key the key
     * @return the file's bytes
     * @throws ObjectNotFoundException when there is no such object
     * @throws InvalidInputException   when the key leads outside the root through a symbolic link
     * @throws IOException             when the file cannot be read
     */
    @Override
    public InputStream open(ObjectKey key) throws IOException {
        Optional<Path> path = paths.existingObjectPath(key);
        if (path.isEmpty()) {
            throw new ObjectNotFoundException(key);
        }
        try {
            return Files.newInputStream(path.get());
        } catch (NoSuchFileException e) {
            throw new ObjectNotFoundException(key);
        }
    }

    /**
     * Describes a committed object: its size and the file's modification time; metadata is empty.
     *
     * @param key the key
     * @return the description, or empty when there is no such object
     * @throws InvalidInputException when the key leads outside the root through a symbolic link
     * @throws IOException           when the file's attributes cannot be read
     */
    @Override
    public Optional<ObjectInfo> stat(ObjectKey key) throws IOException {
        Optional<Path> path = paths.existingObjectPath(key);
        if (path.isEmpty()) {
            return Optional.empty();
        }
        try {
            BasicFileAttributes attributes = Files.readAttributes(path.get(), BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                return Optional.empty();
            }
            return Optional.of(LocalPaths.info(key, attributes));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /**
     * Lists committed objects under a prefix in ascending key order (by {@link String} comparison of
     * the slash-joined relative paths). The continuation token is the last key of the page; the next
     * page holds the keys strictly greater than it. Temporary files are skipped.
     *
     * @param prefix            a key prefix; {@code null} or empty for everything
     * @param continuationToken {@code null} for the first page, else the previous page's token
     * @return the page
     * @throws IOException when a directory cannot be read
     */
    @Override
    public ObjectPage list(String prefix, String continuationToken) throws IOException {
        return listing.list(prefix, continuationToken);
    }

    /**
     * Deletes an object's file and then the directories it leaves empty, up to (not including) the
     * root. Deleting a missing object does nothing.
     *
     * @param key the key
     * @throws InvalidInputException when the key leads outside the root through a symbolic link
     * @throws IOException           when the file cannot be deleted
     */
    @Override
    public void delete(ObjectKey key) throws IOException {
        Path path = paths.pathOf(key);
        if (!paths.parentIsSafeDirectory(key, path)) {
            return;
        }
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (attributes.isDirectory()) {
                return; // a prefix of other objects, not an object
            }
            Files.deleteIfExists(path);
        } catch (NoSuchFileException e) {
            return;
        }
        paths.pruneEmptyDirectories(path.getParent());
    }

    /**
     * Deletes temporary files ({@code .<name>.<16 hex digits>.tmp}) last modified before
     * {@code olderThan}, left behind by writers that were killed, and then the directories that
     * became empty (never the root). Temporary files of writes still in progress in this JVM are
     * kept whatever their age.
     *
     * @param olderThan only files last modified before this instant are removed
     * @return how many temporary files were removed
     * @throws IOException when the tree cannot be walked or a file cannot be deleted
     */
    @Override
    public int cleanupIncomplete(Instant olderThan) throws IOException {
        return writes.cleanupIncomplete(olderThan);
    }

    /**
     * Always {@code false}: failures of a local file system (missing files, permissions, a full
     * disk, a name conflict) do not go away by trying again at once.
     *
     * @param failure a failure thrown by this target
     * @return {@code false}
     */
    @Override
    public boolean isRetryable(IOException failure) {
        return false;
    }

    @Override
    public String toString() {
        return "LocalStorageTarget[" + describe() + "]";
    }
}
