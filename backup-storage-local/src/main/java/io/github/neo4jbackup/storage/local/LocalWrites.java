package io.github.neo4jbackup.storage.local;

import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.WriteMode;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The temporary files of a {@link LocalStorageTarget}: starting a write into a new temporary file
 * next to the final name (retrying when a concurrent delete prunes the directory), keeping track
 * of the writes in progress in this JVM, and removing the temporary files that killed writers left
 * behind. Thread-safe. Not API.
 */
final class LocalWrites {

    private static final int CREATE_ATTEMPTS = 5;

    private final LocalPaths paths;
    /** Temporary files of writes in progress in this JVM; {@link #cleanupIncomplete} leaves them alone. */
    private final Set<Path> activeTemporaryFiles = ConcurrentHashMap.newKeySet();

    LocalWrites(LocalPaths paths) {
        this.paths = paths;
    }

    /** Starts a write; see {@link LocalStorageTarget#create}. */
    LocalPendingObject create(ObjectKey key, WriteMode mode) throws IOException {
        LocalPaths.checkNameLengths(key);
        Path target = paths.pathOf(key);
        Path parent = target.getParent();
        IOException last = null;
        for (int attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
            boolean created;
            try {
                created = paths.createParentDirectories(key, parent);
            } catch (NoSuchFileException e) {
                last = e; // an ancestor was pruned by a concurrent delete: try again
                continue;
            }
            Path temp = parent.resolve(LocalPaths.temporaryName(key.fileName()));
            activeTemporaryFiles.add(temp);
            try {
                FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                return new LocalPendingObject(paths, this, key, target, temp, channel, mode, created);
            } catch (NoSuchFileException | FileAlreadyExistsException e) {
                // the directory was pruned by a concurrent delete, or the random name was taken: try again
                activeTemporaryFiles.remove(temp);
                last = e;
            } catch (IOException e) {
                activeTemporaryFiles.remove(temp);
                throw new IOException("Cannot start writing object '" + key + "' in " + paths.describe() + ": "
                        + LocalPaths.reason(e) + ". Check free space and permissions of the directory.", e);
            }
        }
        throw new IOException("Cannot start writing object '" + key + "' in " + paths.describe() + " after "
                + CREATE_ATTEMPTS + " attempts: " + LocalPaths.reason(last) + ".", last);
    }

    /** Forgets a temporary file once its write is committed or discarded. */
    void released(Path temp) {
        activeTemporaryFiles.remove(temp);
    }

    /** Removes old temporary files; see {@link LocalStorageTarget#cleanupIncomplete(Instant)}. */
    int cleanupIncomplete(Instant olderThan) throws IOException {
        Objects.requireNonNull(olderThan, "olderThan");
        List<Path> removed = new ArrayList<>();
        Files.walkFileTree(paths.realRoot(), new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                if (attributes.isRegularFile()
                        && LocalStorageTarget.isTemporaryFileName(file.getFileName().toString())
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
            paths.pruneEmptyDirectories(file.getParent());
        }
        return removed.size();
    }
}
