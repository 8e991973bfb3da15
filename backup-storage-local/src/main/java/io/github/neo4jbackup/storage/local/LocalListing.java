package io.github.neo4jbackup.storage.local;

import io.github.neo4jbackup.core.spi.ObjectInfo;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.ObjectPage;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Listing and paging of a {@link LocalStorageTarget}: an ordered, pruned walk of the directory
 * tree that yields keys in ascending string order, one page at a time; the continuation token is
 * the last key of the previous page. Temporary files, symbolic links to directories and links
 * that lead outside the root are left out. Thread-safe. Not API.
 */
final class LocalListing {

    private final LocalPaths paths;
    private final int pageSize;
    private final Path realRoot;

    LocalListing(LocalPaths paths, int pageSize) {
        this.paths = paths;
        this.pageSize = pageSize;
        this.realRoot = paths.realRoot();
    }

    /** One page of objects; see {@link LocalStorageTarget#list(String, String)}. */
    ObjectPage list(String prefix, String continuationToken) throws IOException {
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
                if (paths.isNotADirectory(base)) {
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
                    } else if (attributes.isRegularFile() && !LocalStorageTarget.isTemporaryFileName(name)
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
                        found.add(LocalPaths.info(ObjectKey.of(key), entry.attributes()));
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
}
