package io.github.neo4jbackup.storage.local;

import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.spi.ObjectInfo;
import io.github.neo4jbackup.core.spi.ObjectKey;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The paths of a {@link LocalStorageTarget}: where a key lives under the root, the checks that
 * keep every path under the root after resolving symbolic links, creating the parent directories
 * of a new object and pruning the ones it leaves empty, {@code fsync} of directories, the names of
 * temporary files, and the wording of file-system failures. Immutable and thread-safe. Not API.
 */
final class LocalPaths {

    private static final int MAX_NAME_BYTES = 255;
    private static final int TEMPORARY_NAME_PART_BYTES = 100;

    private final Path root;
    private final Path realRoot;

    LocalPaths(Path root, Path realRoot) {
        this.root = root;
        this.realRoot = realRoot;
    }

    /** The root as given (absolute, normalized). */
    Path root() {
        return root;
    }

    /** The root with symbolic links resolved; every object path lies under it. */
    Path realRoot() {
        return realRoot;
    }

    /** {@code file:} followed by the absolute root path. */
    String describe() {
        return "file:" + root;
    }

    /** The path of a key: under the real root, with a lexical containment check. */
    Path pathOf(ObjectKey key) {
        Objects.requireNonNull(key, "key");
        if (LocalStorageTarget.isTemporaryFileName(key.fileName())) {
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
    Optional<Path> existingObjectPath(ObjectKey key) throws IOException {
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
    boolean parentIsSafeDirectory(ObjectKey key, Path path) throws IOException {
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
    boolean createParentDirectories(ObjectKey key, Path parent) throws IOException {
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

    void checkInsideRoot(ObjectKey key, Path realPath) {
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
    boolean isNotADirectory(Path path) {
        for (Path p = path; p != null && p.startsWith(realRoot) && !p.equals(realRoot); p = p.getParent()) {
            if (Files.exists(p) && !Files.isDirectory(p)) {
                return true;
            }
        }
        return false;
    }

    String relative(Path path) {
        return realRoot.relativize(path).toString().replace(path.getFileSystem().getSeparator(), "/");
    }

    static void checkNameLengths(ObjectKey key) {
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
    static String temporaryName(String fileName) {
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
    void pruneEmptyDirectories(Path directory) {
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
    static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            // Windows and some file systems cannot open or sync a directory; the data file itself is synced
        }
    }

    static ObjectInfo info(ObjectKey key, BasicFileAttributes attributes) {
        return new ObjectInfo(key, attributes.size(), attributes.lastModifiedTime().toInstant(), Map.of());
    }

    /** A short reason for a failure, for messages: what the file system said and about which file. */
    static String reason(Throwable e) {
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
}
