package io.github.neo4jbackup.storage.local;

import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.spi.ObjectExistsException;
import io.github.neo4jbackup.core.spi.ObjectInfo;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.ObjectNotFoundException;
import io.github.neo4jbackup.core.spi.ObjectPage;
import io.github.neo4jbackup.core.spi.PendingObject;
import io.github.neo4jbackup.core.spi.StorageTarget;
import io.github.neo4jbackup.core.spi.WriteMode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
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
 * <p>Instances are immutable and thread-safe.
 */
public final class LocalStorageTarget implements StorageTarget {

    /** The page size of listings when none is given. */
    public static final int DEFAULT_PAGE_SIZE = 1000;

    private static final Pattern TEMPORARY_NAME = Pattern.compile("\\..*\\.[0-9a-f]{16}\\.tmp", Pattern.DOTALL);
    private static final int MAX_NAME_BYTES = 255;
    private static final int TEMPORARY_NAME_PART_BYTES = 100;
    private static final int BUFFER_SIZE = 64 * 1024;
    private static final int CREATE_ATTEMPTS = 5;

    private final Path root;
    private final Path realRoot;
    private final int pageSize;
    /** Temporary files of writes in progress in this JVM; {@link #cleanupIncomplete} leaves them alone. */
    private final Set<Path> activeTemporaryFiles = ConcurrentHashMap.newKeySet();

    private LocalStorageTarget(Path root, Path realRoot, int pageSize) {
        this.root = root;
        this.realRoot = realRoot;
        this.pageSize = pageSize;
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
            throw new InvalidInputException("Cannot create the backup directory '" + absolute + "': " + reason(e)
                    + ". Check that the path is right and that this user may create it.", e);
        }
        Path real;
        try {
            real = absolute.toRealPath();
        } catch (IOException e) {
            throw new InvalidInputException("Cannot resolve the backup directory '" + absolute + "': " + reason(e)
                    + ". Check that the path is right and readable.", e);
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
        return root;
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
        return "file:" + root;
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
        checkNameLengths(key);
        Path target = pathOf(key);
        Path parent = target.getParent();
        IOException last = null;
        for (int attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
            boolean created;
            try {
                created = createParentDirectories(key, parent);
            } catch (NoSuchFileException e) {
                last = e; // an ancestor was pruned by a concurrent delete: try again
                continue;
            }
            Path temp = parent.resolve(temporaryName(key.fileName()));
            activeTemporaryFiles.add(temp);
            try {
                FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                return new LocalPendingObject(key, target, temp, channel, mode, created);
            } catch (NoSuchFileException | FileAlreadyExistsException e) {
                // the directory was pruned by a concurrent delete, or the random name was taken: try again
                activeTemporaryFiles.remove(temp);
                last = e;
            } catch (IOException e) {
                activeTemporaryFiles.remove(temp);
                throw new IOException("Cannot start writing object '" + key + "' in " + describe() + ": "
                        + reason(e) + ". Check free space and permissions of the directory.", e);
            }
        }
        throw new IOException("Cannot start writing object '" + key + "' in " + describe() + " after "
                + CREATE_ATTEMPTS + " attempts: " + reason(last) + ".", last);
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
        Optional<Path> path = existingObjectPath(key);
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
        Optional<Path> path = existingObjectPath(key);
        if (path.isEmpty()) {
            return Optional.empty();
        }
        try {
            BasicFileAttributes attributes = Files.readAttributes(path.get(), BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                return Optional.empty();
            }
            return Optional.of(info(key, attributes));
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
        String p = prefix == null ? "" : prefix;
        int slash = p.lastIndexOf('/');
        String baseKey = slash < 0 ? "" : p.substring(0, slash);
        if (!baseKey.isEmpty() && ObjectKey.problem(baseKey) != null) {
            return new ObjectPage(List.of(), null); // no valid key starts with this prefix
        }
        Path base = baseKey.isEmpty() ? realRoot : realRoot.resolve(baseKey);
        if (!baseKey.isEmpty()) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(base, BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                if (!attributes.isDirectory()) {
                    return new ObjectPage(List.of(), null);
                }
            } catch (NoSuchFileException e) {
                return new ObjectPage(List.of(), null);
            } catch (FileSystemException e) {
                if (isNotADirectory(base)) {
                    return new ObjectPage(List.of(), null);
                }
                throw e;
            }
            if (!base.toRealPath().equals(base)) {
                return new ObjectPage(List.of(), null); // symbolic links to directories are not followed
            }
        }
        Listing listing = new Listing(p, continuationToken, pageSize + 1);
        listing.walk(base, baseKey.isEmpty() ? "" : baseKey + "/");
        List<ObjectInfo> found = listing.found;
        if (found.size() > pageSize) {
            List<ObjectInfo> page = found.subList(0, pageSize);
            return new ObjectPage(page, page.get(pageSize - 1).key().value());
        }
        return new ObjectPage(found, null);
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
        Path path = pathOf(key);
        if (!parentIsSafeDirectory(key, path)) {
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
        pruneEmptyDirectories(path.getParent());
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
        Objects.requireNonNull(olderThan, "olderThan");
        List<Path> removed = new ArrayList<>();
        Files.walkFileTree(realRoot, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                if (attributes.isRegularFile()
                        && isTemporaryFileName(file.getFileName().toString())
                        && attributes.lastModifiedTime().toInstant().isBefore(olderThan)
                        && !activeTemporaryFiles.contains(file)) {
                    if (Files.deleteIfExists(file)) {
                        removed.add(file);
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException failure) throws IOException {
                if (failure instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE; // deleted meanwhile
                }
                throw failure;
            }
        });
        for (Path file : removed) {
            pruneEmptyDirectories(file.getParent());
        }
        return removed.size();
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

    // ---------------------------------------------------------------- paths

    /** The path of a key: under the real root, with a lexical containment check. */
    private Path pathOf(ObjectKey key) {
        Objects.requireNonNull(key, "key");
        if (isTemporaryFileName(key.fileName())) {
            throw new InvalidInputException("Invalid object key '" + key + "' for a local storage target: its file"
                    + " name looks like one of the target's temporary files ('.<name>.<16 hex digits>.tmp')."
                    + " Choose another name.");
        }
        Path path = realRoot.resolve(key.value()).normalize();
        if (!path.startsWith(realRoot) || path.equals(realRoot)) {
            throw outsideRoot(key, path);
        }
        return path;
    }

    /**
     * The path of an existing regular file (or symbolic link to one) for a key, after checking that
     * its real location is under the root; empty when there is no such object.
     */
    private Optional<Path> existingObjectPath(ObjectKey key) throws IOException {
        Path path = pathOf(key);
        if (!parentIsSafeDirectory(key, path)) {
            return Optional.empty();
        }
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (attributes.isSymbolicLink()) {
            Path real;
            try {
                real = path.toRealPath();
            } catch (NoSuchFileException e) {
                return Optional.empty(); // dangling link
            }
            checkInsideRoot(key, real);
            return Files.isRegularFile(real) ? Optional.of(real) : Optional.empty();
        }
        return attributes.isRegularFile() ? Optional.of(path) : Optional.empty();
    }

    /**
     * Whether the parent directory of a key's path exists (as a directory) and really lies under the
     * root; throws when it resolves outside the root.
     */
    private boolean parentIsSafeDirectory(ObjectKey key, Path path) throws IOException {
        Path parent = path.getParent();
        Path real;
        try {
            real = parent.toRealPath();
        } catch (NoSuchFileException e) {
            return false;
        } catch (FileSystemException e) {
            if (isNotADirectory(parent)) {
                return false;
            }
            throw e;
        }
        checkInsideRoot(key, real);
        return Files.isDirectory(real);
    }

    /**
     * Creates the parent directories of a key's path after checking that the deepest existing
     * ancestor lies under the root, and checks the result again.
     *
     * @return whether a directory was created
     */
    private boolean createParentDirectories(ObjectKey key, Path parent) throws IOException {
        Path existing = parent;
        while (!existing.equals(realRoot) && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        Path realExisting = existing.toRealPath();
        checkInsideRoot(key, realExisting);
        if (!Files.isDirectory(realExisting)) {
            throw new IOException("Cannot write object '" + key + "' in " + describe() + ": '"
                    + relative(existing) + "' is a file (an object), so it cannot also be a directory."
                    + " On a local target a key cannot be both an object and the prefix of other keys.");
        }
        if (existing.equals(parent)) {
            return false;
        }
        try {
            Files.createDirectories(parent);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("Cannot write object '" + key + "' in " + describe() + ": a file is in the way of"
                    + " directory '" + relative(parent) + "'. On a local target a key cannot be both an object and"
                    + " the prefix of other keys.", e);
        } catch (NoSuchFileException e) {
            throw e; // raced with a concurrent prune; the caller retries
        } catch (IOException e) {
            throw new IOException("Cannot create directory '" + relative(parent) + "' for object '" + key + "' in "
                    + describe() + ": " + reason(e) + ". Check permissions and free space.", e);
        }
        checkInsideRoot(key, parent.toRealPath());
        return true;
    }

    private void checkInsideRoot(ObjectKey key, Path realPath) {
        if (!realPath.startsWith(realRoot)) {
            throw outsideRoot(key, realPath);
        }
    }

    private InvalidInputException outsideRoot(ObjectKey key, Path resolved) {
        return new InvalidInputException("Object key '" + key + "' leads outside the backup directory " + root
                + " (it resolves to " + resolved + ", probably through a symbolic link). Remove the link or use"
                + " another key.");
    }

    /** Whether some ancestor of {@code path} below the root exists and is not a directory. */
    private boolean isNotADirectory(Path path) {
        for (Path p = path; p != null && p.startsWith(realRoot) && !p.equals(realRoot); p = p.getParent()) {
            if (Files.exists(p) && !Files.isDirectory(p)) {
                return true;
            }
        }
        return false;
    }

    private String relative(Path path) {
        return realRoot.relativize(path).toString().replace(path.getFileSystem().getSeparator(), "/");
    }

    private static void checkNameLengths(ObjectKey key) {
        for (String segment : key.value().split("/")) {
            int bytes = segment.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_NAME_BYTES) {
                throw new InvalidInputException("Invalid object key '" + key + "' for a local storage target: the"
                        + " name '" + segment + "' is " + bytes + " bytes long in UTF-8, but file systems allow at most "
                        + MAX_NAME_BYTES + ". Use shorter names.");
            }
        }
    }

    /** {@code .<name, cut to 100 UTF-8 bytes>.<16 hex digits>.tmp}. */
    private static String temporaryName(String fileName) {
        StringBuilder name = new StringBuilder(".");
        int bytes = 0;
        for (int i = 0; i < fileName.length(); ) {
            int codePoint = fileName.codePointAt(i);
            int length = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + length > TEMPORARY_NAME_PART_BYTES) {
                break;
            }
            name.appendCodePoint(codePoint);
            bytes += length;
            i += Character.charCount(codePoint);
        }
        return name.append('.').append(String.format("%016x", ThreadLocalRandom.current().nextLong()))
                .append(".tmp").toString();
    }

    /** Deletes empty directories from {@code directory} upwards, stopping at the root or a non-empty one. */
    private void pruneEmptyDirectories(Path directory) {
        for (Path dir = directory; dir != null && dir.startsWith(realRoot) && !dir.equals(realRoot);
                dir = dir.getParent()) {
            try {
                Files.delete(dir);
            } catch (DirectoryNotEmptyException e) {
                return;
            } catch (NoSuchFileException e) {
                // removed concurrently; continue with the parent
            } catch (IOException e) {
                return; // not ours to fight over (permissions, a file in a race): leave it
            }
        }
    }

    /** Forces a directory's entries to disk; does nothing where directories cannot be synced. */
    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            // Windows and some file systems cannot open or sync a directory; the data file itself is synced
        }
    }

    private static ObjectInfo info(ObjectKey key, BasicFileAttributes attributes) {
        return new ObjectInfo(key, attributes.size(), attributes.lastModifiedTime().toInstant(), Map.of());
    }

    /** A short reason for a failure, for messages: what the file system said and about which file. */
    private static String reason(Throwable e) {
        if (e == null) {
            return "unknown failure";
        }
        if (e instanceof FileSystemException fse) {
            String what;
            if (fse.getReason() != null) {
                what = fse.getReason();
            } else if (e instanceof AccessDeniedException) {
                what = "permission denied";
            } else if (e instanceof NoSuchFileException) {
                what = "no such file or directory";
            } else if (e instanceof FileAlreadyExistsException) {
                what = "already exists";
            } else {
                what = e.getClass().getSimpleName();
            }
            return what + (fse.getFile() == null ? "" : " (" + fse.getFile() + ")");
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    // ---------------------------------------------------------------- listing

    /**
     * A depth-first walk that visits keys in ascending string order: within a directory, entries are
     * sorted by name, with {@code /} appended to directory names (so {@code a-1 < a/x < a0}).
     * Subtrees that cannot hold a key after the token or under the prefix are skipped; the walk
     * stops once {@code limit} objects are found.
     */
    private final class Listing {
        private final String prefix;
        private final String after;
        private final int limit;
        private final List<ObjectInfo> found = new ArrayList<>();

        Listing(String prefix, String after, int limit) {
            this.prefix = prefix;
            this.after = after;
            this.limit = limit;
        }

        /** Walks a directory whose keys all start with {@code keyPrefix} (empty or ending in {@code /}). */
        void walk(Path directory, String keyPrefix) throws IOException {
            List<Entry> entries = new ArrayList<>();
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
                for (Path child : stream) {
                    String name = child.getFileName().toString();
                    String key = keyPrefix + name;
                    if (!mayMatch(key) || !mayFollowToken(key)) {
                        continue;
                    }
                    BasicFileAttributes attributes;
                    try {
                        attributes = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    } catch (NoSuchFileException e) {
                        continue; // deleted meanwhile
                    }
                    if (attributes.isSymbolicLink()) {
                        attributes = followedFileLink(child);
                        if (attributes == null) {
                            continue;
                        }
                    }
                    if (attributes.isDirectory()) {
                        entries.add(new Entry(child, key + "/", attributes));
                    } else if (attributes.isRegularFile() && !isTemporaryFileName(name)
                            && ObjectKey.problem(key) == null) {
                        entries.add(new Entry(child, key, attributes));
                    }
                }
            } catch (NoSuchFileException e) {
                return; // directory pruned meanwhile
            }
            entries.sort(Comparator.comparing(Entry::sortKey));
            for (Entry entry : entries) {
                if (found.size() >= limit) {
                    return;
                }
                if (entry.attributes().isDirectory()) {
                    String dirPrefix = entry.sortKey();
                    boolean underPrefix = dirPrefix.startsWith(prefix) || prefix.startsWith(dirPrefix);
                    boolean afterToken = after == null || dirPrefix.compareTo(after) > 0 || after.startsWith(dirPrefix);
                    if (underPrefix && afterToken) {
                        walk(entry.path(), dirPrefix);
                    }
                } else {
                    String key = entry.sortKey();
                    if (key.startsWith(prefix) && (after == null || key.compareTo(after) > 0)) {
                        found.add(info(ObjectKey.of(key), entry.attributes()));
                    }
                }
            }
        }

        /** Whether the entry (a file, or a directory whose keys start with it) can match the prefix. */
        private boolean mayMatch(String key) {
            return key.startsWith(prefix) || prefix.startsWith(key);
        }

        /** Whether the entry (a file, or a directory whose keys start with it) can hold a key after the token. */
        private boolean mayFollowToken(String key) {
            return after == null || key.compareTo(after) > 0 || after.startsWith(key);
        }

        /** The attributes of the file a symbolic link leads to, if it is a regular file under the root. */
        private BasicFileAttributes followedFileLink(Path link) {
            try {
                Path real = link.toRealPath();
                if (!real.startsWith(realRoot)) {
                    return null;
                }
                BasicFileAttributes attributes = Files.readAttributes(real, BasicFileAttributes.class);
                return attributes.isRegularFile() ? attributes : null;
            } catch (IOException e) {
                return null;
            }
        }
    }

    private record Entry(Path path, String sortKey, BasicFileAttributes attributes) {
    }

    // ---------------------------------------------------------------- pending writes

    private enum State { OPEN, COMMITTED, ABORTED }

    /** A write into a temporary file next to the final name. */
    private final class LocalPendingObject implements PendingObject {
        private final ObjectKey key;
        private final Path target;
        private final Path temp;
        private final FileChannel channel;
        private final WriteMode mode;
        private final boolean createdDirectories;
        private final OutputStream stream = new ChannelStream();
        private final byte[] buffer = new byte[BUFFER_SIZE];
        private int buffered;
        private State state = State.OPEN;
        private boolean streamClosed;

        LocalPendingObject(ObjectKey key, Path target, Path temp, FileChannel channel, WriteMode mode,
                boolean createdDirectories) {
            this.key = key;
            this.target = target;
            this.temp = temp;
            this.channel = channel;
            this.mode = mode;
            this.createdDirectories = createdDirectories;
        }

        @Override
        public ObjectKey key() {
            return key;
        }

        @Override
        public OutputStream stream() {
            return stream;
        }

        @Override
        public synchronized ObjectInfo commit() throws IOException {
            if (state != State.OPEN) {
                throw new IOException("Cannot commit object '" + key + "' in " + describe() + ": the write was already "
                        + (state == State.COMMITTED ? "committed" : "aborted") + ". Start a new write with create().");
            }
            boolean published = false;
            try {
                BasicFileAttributes attributes;
                try {
                    flushBuffer();
                    channel.force(true);
                    channel.close();
                    attributes = Files.readAttributes(temp, BasicFileAttributes.class);
                } catch (IOException e) {
                    throw commitFailed("the data could not be written to disk", e);
                }
                if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                    throw new IOException("Cannot commit object '" + key + "' in " + describe() + ": '" + key
                            + "' is a directory holding other objects. On a local target a key cannot be both an"
                            + " object and the prefix of other keys.");
                }
                if (mode == WriteMode.CREATE_NEW) {
                    publishNew();
                } else {
                    try {
                        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    } catch (IOException e) {
                        throw commitFailed("the temporary file could not be renamed to the final name", e);
                    }
                }
                published = true;
                state = State.COMMITTED;
                activeTemporaryFiles.remove(temp);
                syncDirectories();
                return info(key, attributes);
            } finally {
                if (!published) {
                    discard();
                }
            }
        }

        private IOException commitFailed(String what, IOException cause) {
            return new IOException("Cannot commit object '" + key + "' in " + describe() + ": " + what + " ("
                    + reason(cause) + "). Nothing was stored under the key; check free space and permissions, then"
                    + " write it again.", cause);
        }

        /** Hard-links the temporary file to the final name (atomic fail-if-exists), then drops the temporary name. */
        private void publishNew() throws IOException {
            try {
                Files.createLink(target, temp);
            } catch (FileAlreadyExistsException e) {
                throw new ObjectExistsException(key);
            } catch (UnsupportedOperationException | IOException e) {
                // no hard links here (FAT, some network shares): check, then rename without replacing
                if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    throw new ObjectExistsException(key);
                }
                try {
                    Files.move(temp, target);
                } catch (FileAlreadyExistsException raced) {
                    throw new ObjectExistsException(key);
                } catch (IOException moveFailed) {
                    throw commitFailed("the temporary file could not be linked or renamed to the final name",
                            moveFailed);
                }
                return;
            }
            try {
                Files.delete(temp);
            } catch (IOException e) {
                // the object is committed; the leftover name is removed by cleanupIncomplete()
            }
        }

        private void syncDirectories() {
            Path parent = target.getParent();
            syncDirectory(parent);
            if (createdDirectories) {
                for (Path dir = parent.getParent(); dir != null && dir.startsWith(realRoot); dir = dir.getParent()) {
                    syncDirectory(dir);
                }
            }
        }

        @Override
        public synchronized void abort() {
            if (state == State.OPEN) {
                discard();
            }
        }

        @Override
        public void close() {
            abort();
        }

        /** Closes the channel and deletes the temporary file; never throws. */
        private void discard() {
            state = State.ABORTED;
            buffered = 0;
            try {
                channel.close();
            } catch (IOException e) {
                // closing is best effort; the file is deleted next
            }
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                // left for cleanupIncomplete()
            }
            activeTemporaryFiles.remove(temp);
            if (createdDirectories) {
                pruneEmptyDirectories(temp.getParent());
            }
        }

        private void checkWritable() throws IOException {
            if (state != State.OPEN) {
                throw new IOException("Cannot write to object '" + key + "': the write was already "
                        + (state == State.COMMITTED ? "committed" : "aborted") + ".");
            }
            if (streamClosed) {
                throw new IOException("Cannot write to object '" + key + "': its stream was closed.");
            }
        }

        private void flushBuffer() throws IOException {
            if (buffered > 0) {
                writeFully(ByteBuffer.wrap(buffer, 0, buffered));
                buffered = 0;
            }
        }

        private void writeFully(ByteBuffer bytes) throws IOException {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        }

        /** Buffers writes into the channel; closing it flushes but neither commits nor aborts. */
        private final class ChannelStream extends OutputStream {
            @Override
            public void write(int b) throws IOException {
                synchronized (LocalPendingObject.this) {
                    checkWritable();
                    if (buffered == buffer.length) {
                        flushBuffer();
                    }
                    buffer[buffered++] = (byte) b;
                }
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                synchronized (LocalPendingObject.this) {
                    checkWritable();
                    if (len >= buffer.length) {
                        flushBuffer();
                        writeFully(ByteBuffer.wrap(b, off, len));
                        return;
                    }
                    if (len > buffer.length - buffered) {
                        flushBuffer();
                    }
                    System.arraycopy(b, off, buffer, buffered, len);
                    buffered += len;
                }
            }

            @Override
            public void flush() throws IOException {
                synchronized (LocalPendingObject.this) {
                    if (state == State.OPEN) {
                        flushBuffer();
                    }
                }
            }

            @Override
            public void close() throws IOException {
                synchronized (LocalPendingObject.this) {
                    if (state == State.OPEN && !streamClosed) {
                        flushBuffer();
                    }
                    streamClosed = true;
                }
            }
        }
    }
}
