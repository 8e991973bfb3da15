package io.github.neo4jbackup.storage.local;

import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.core.spi.ObjectInfo;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.ObjectPage;
import io.github.neo4jbackup.core.spi.PendingObject;
import io.github.neo4jbackup.core.spi.WriteMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/** What {@link LocalStorageTarget} does beyond the contract: files, temporary files, links, directories. */
class LocalStorageTargetTest {

    @TempDir
    Path dir;

    private Path root;
    private LocalStorageTarget target;

    private LocalStorageTarget target() {
        if (target == null) {
            root = dir.resolve("root");
            target = LocalStorageTarget.of(root);
        }
        return target;
    }

    // ---------------------------------------------------------------- root

    @Test
    void createsMissingRootAndDescribesIt() {
        Path nested = dir.resolve("a/b/c");

        LocalStorageTarget local = LocalStorageTarget.of(nested);

        assertThat(nested).isDirectory();
        assertThat(local.root()).isEqualTo(nested.toAbsolutePath().normalize());
        assertThat(local.describe()).isEqualTo("file:" + nested.toAbsolutePath().normalize());
        assertThat(local.pageSize()).isEqualTo(LocalStorageTarget.DEFAULT_PAGE_SIZE);
        assertThat(local).hasToString("LocalStorageTarget[file:" + nested.toAbsolutePath().normalize() + "]");
    }

    @Test
    void rootThatIsAFileIsRejectedClearly() throws IOException {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");

        assertThatThrownBy(() -> LocalStorageTarget.of(file))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("is a file, not a directory");
    }

    @Test
    void rootUnderAFileIsRejectedClearly() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");

        assertThatThrownBy(() -> LocalStorageTarget.of(file.resolve("sub")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("Cannot create the backup directory")
                .hasMessageContaining(file.resolve("sub").toString());
    }

    @Test
    void rootThatIsNotWritableIsRejectedClearly() throws IOException {
        assumeThat(dir.getFileSystem().supportedFileAttributeViews()).contains("posix");
        Path readOnly = Files.createDirectory(dir.resolve("read-only"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeThat(Files.isWritable(readOnly)).as("running as a user that honours permissions (not root)")
                    .isFalse();

            assertThatThrownBy(() -> LocalStorageTarget.of(readOnly))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("not writable");
        } finally {
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void pageSizeMustBePositive() {
        assertThatThrownBy(() -> LocalStorageTarget.of(dir, 0))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("page size");
    }

    // ---------------------------------------------------------------- temporary files

    @Test
    void pendingWriteUsesATemporaryFileInTheSameDirectoryAndAbortRemovesIt() throws IOException {
        LocalStorageTarget local = target();
        Path objectDir = root.resolve("db/2025");
        try (PendingObject pending = local.create(ObjectKey.of("db/2025/backup.bin"), Map.of(), WriteMode.CREATE_NEW)) {
            pending.stream().write(new byte[100_000]);
            pending.stream().flush();

            List<Path> files = filesIn(objectDir);
            assertThat(files).hasSize(1);
            String name = files.get(0).getFileName().toString();
            assertThat(name).startsWith(".backup.bin.").endsWith(".tmp");
            assertThat(LocalStorageTarget.isTemporaryFileName(name)).isTrue();
            assertThat(Files.size(files.get(0))).isEqualTo(100_000L);
            assertThat(local.listAllObjects("")).isEmpty();
        }

        assertThat(root).isEmptyDirectory(); // the directories the write created are gone too
    }

    @Test
    void commitLeavesOnlyTheObject() throws IOException {
        LocalStorageTarget local = target();
        try (PendingObject pending = local.create(ObjectKey.of("db/backup.bin"), Map.of(), WriteMode.CREATE_NEW)) {
            pending.stream().write("data".getBytes(StandardCharsets.UTF_8));
            pending.commit();
        }
        try (PendingObject pending = local.create(ObjectKey.of("db/backup.bin"), Map.of(), WriteMode.OVERWRITE)) {
            pending.stream().write("data2".getBytes(StandardCharsets.UTF_8));
            pending.commit();
        }

        assertThat(filesIn(root.resolve("db"))).containsExactly(root.resolve("db/backup.bin"));
        assertThat(root.resolve("db/backup.bin")).hasContent("data2");
    }

    @Test
    void failedCreateNewLeavesNoTemporaryFile() throws IOException {
        LocalStorageTarget local = target();
        write(local, "db/taken.bin", "old");
        try (PendingObject pending = local.create(ObjectKey.of("db/taken.bin"), Map.of(), WriteMode.CREATE_NEW)) {
            pending.stream().write(1);
            assertThatThrownBy(pending::commit).isInstanceOf(IOException.class);
        }

        assertThat(filesIn(root.resolve("db"))).containsExactly(root.resolve("db/taken.bin"));
        assertThat(root.resolve("db/taken.bin")).hasContent("old");
    }

    @Test
    void leftoverTemporaryFilesAreInvisibleAndCleanedUpByAge() throws IOException {
        LocalStorageTarget local = target();
        write(local, "db/real.bin", "real");
        Instant now = Instant.now();
        Path stale = leftover(root.resolve("db/.real.bin.0123456789abcdef.tmp"), now.minus(Duration.ofDays(2)));
        Path fresh = leftover(root.resolve("db/.next.bin.fedcba9876543210.tmp"), now);
        Path staleAlone = leftover(root.resolve("other/deep/.x.00000000000000aa.tmp"), now.minus(Duration.ofDays(3)));

        assertThat(local.listAllObjects("")).extracting(i -> i.key().value()).containsExactly("db/real.bin");
        assertThat(local.list("db/", null).objects()).hasSize(1);
        assertThatThrownBy(() -> local.stat(ObjectKey.of("db/.real.bin.0123456789abcdef.tmp")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("temporary");
        assertThatThrownBy(() -> local.open(ObjectKey.of("db/.real.bin.0123456789abcdef.tmp")))
                .isInstanceOf(InvalidInputException.class);

        assertThat(local.cleanupIncomplete(now.minus(Duration.ofDays(1)))).isEqualTo(2);

        assertThat(stale).doesNotExist();
        assertThat(staleAlone).doesNotExist();
        assertThat(root.resolve("other")).doesNotExist(); // emptied directories are pruned
        assertThat(fresh).exists();
        assertThat(root.resolve("db/real.bin")).hasContent("real");

        assertThat(local.cleanupIncomplete(now.plus(Duration.ofMinutes(1)))).isEqualTo(1);
        assertThat(fresh).doesNotExist();
        assertThat(local.cleanupIncomplete(now.plus(Duration.ofMinutes(1)))).isZero();
        assertThat(root).isDirectory();
    }

    @Test
    void cleanupKeepsTemporaryFilesOfWritesInProgress() throws IOException {
        LocalStorageTarget local = target();
        try (PendingObject pending = local.create(ObjectKey.of("db/busy.bin"), Map.of(), WriteMode.CREATE_NEW)) {
            pending.stream().write(new byte[10]);
            pending.stream().flush();

            assertThat(local.cleanupIncomplete(Instant.now().plus(Duration.ofHours(1)))).isZero();

            pending.commit();
        }
        assertThat(local.stat(ObjectKey.of("db/busy.bin"))).get().extracting(ObjectInfo::size).isEqualTo(10L);
    }

    @Test
    void keysThatLookLikeTemporaryFilesAreRejected() {
        LocalStorageTarget local = target();

        assertThatThrownBy(() -> local.create(ObjectKey.of("db/.a.0123456789abcdef.tmp"), Map.of(), WriteMode.OVERWRITE))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("db/.a.0123456789abcdef.tmp");
        assertThat(LocalStorageTarget.isTemporaryFileName(".a.tmp")).isFalse();
        assertThat(LocalStorageTarget.isTemporaryFileName("a.0123456789abcdef.tmp")).isFalse();
        assertThat(LocalStorageTarget.isTemporaryFileName(".a.0123456789ABCDEF.tmp")).isFalse();
    }

    @Test
    void temporaryNamesOfLongFileNamesStayShort() throws IOException {
        LocalStorageTarget local = target();
        String longName = "ü".repeat(120) + ".bin"; // 244 bytes in UTF-8
        try (PendingObject pending = local.create(ObjectKey.of("long/" + longName), Map.of(), WriteMode.CREATE_NEW)) {
            pending.stream().write(1);
            Path temp = filesIn(root.resolve("long")).get(0);
            assertThat(temp.getFileName().toString().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
            pending.commit();
        }
        assertThat(local.stat(ObjectKey.of("long/" + longName))).isPresent();
    }

    @Test
    void namesLongerThanFileSystemsAllowAreRejectedBeforeWriting() {
        LocalStorageTarget local = target();
        String tooLong = "x".repeat(256);

        assertThatThrownBy(() -> local.create(ObjectKey.of("db/" + tooLong), Map.of(), WriteMode.CREATE_NEW))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("256 bytes");
    }

    // ---------------------------------------------------------------- links

    @Test
    void symbolicLinkToADirectoryOutsideTheRootIsRejected() throws IOException {
        LocalStorageTarget local = target();
        Path outside = Files.createDirectory(dir.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "secret");
        symlink(root.resolve("link"), outside);

        assertThatThrownBy(() -> local.create(ObjectKey.of("link/new.bin"), Map.of(), WriteMode.CREATE_NEW))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'link/new.bin'")
                .hasMessageContaining("outside");
        assertThatThrownBy(() -> local.create(ObjectKey.of("link/sub/new.bin"), Map.of(), WriteMode.CREATE_NEW))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> local.stat(ObjectKey.of("link/secret.txt")))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> local.open(ObjectKey.of("link/secret.txt")))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> local.delete(ObjectKey.of("link/secret.txt")))
                .isInstanceOf(InvalidInputException.class);

        assertThat(local.listAllObjects("")).isEmpty();
        assertThat(local.listAllObjects("link/")).isEmpty();
        assertThat(filesIn(outside)).containsExactly(outside.resolve("secret.txt"));
        assertThat(outside.resolve("sub")).doesNotExist();
        assertThat(local.cleanupIncomplete(Instant.now().plusSeconds(60))).isZero();
    }

    @Test
    void symbolicLinkToAFileOutsideTheRootIsRejected() throws IOException {
        LocalStorageTarget local = target();
        Path secret = Files.writeString(dir.resolve("secret.txt"), "secret");
        symlink(root.resolve("leak.txt"), secret);

        assertThatThrownBy(() -> local.open(ObjectKey.of("leak.txt")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'leak.txt'");
        assertThatThrownBy(() -> local.stat(ObjectKey.of("leak.txt")))
                .isInstanceOf(InvalidInputException.class);
        assertThat(local.listAllObjects("")).isEmpty();
    }

    @Test
    void symbolicLinkToAFileInsideTheRootIsFollowed() throws IOException {
        LocalStorageTarget local = target();
        write(local, "real.txt", "content");
        symlink(root.resolve("alias.txt"), root.resolve("real.txt"));

        assertThat(local.open(ObjectKey.of("alias.txt")).readAllBytes()).asString(StandardCharsets.UTF_8)
                .isEqualTo("content");
        assertThat(local.listAllObjects("")).extracting(i -> i.key().value()).containsExactly("alias.txt", "real.txt");

        local.delete(ObjectKey.of("alias.txt"));
        assertThat(root.resolve("alias.txt")).doesNotExist();
        assertThat(root.resolve("real.txt")).hasContent("content");
    }

    // ---------------------------------------------------------------- directories

    @Test
    void deletePrunesEmptyDirectoriesButNeverTheRoot() throws IOException {
        LocalStorageTarget local = target();
        write(local, "a/b/c/d.bin", "d");
        write(local, "a/x.bin", "x");

        local.delete(ObjectKey.of("a/b/c/d.bin"));
        assertThat(root.resolve("a/b")).doesNotExist();
        assertThat(root.resolve("a/x.bin")).exists();

        local.delete(ObjectKey.of("a/x.bin"));
        assertThat(root.resolve("a")).doesNotExist();
        assertThat(root).isEmptyDirectory();
    }

    @Test
    void deleteOfADirectoryPrefixDoesNothing() throws IOException {
        LocalStorageTarget local = target();
        write(local, "a/b.bin", "b");

        local.delete(ObjectKey.of("a"));

        assertThat(root.resolve("a/b.bin")).exists();
    }

    @Test
    void aKeyCannotBeBothAnObjectAndADirectory() throws IOException {
        LocalStorageTarget local = target();
        write(local, "a", "file");
        write(local, "d/e", "nested");

        assertThatThrownBy(() -> local.create(ObjectKey.of("a/b"), Map.of(), WriteMode.CREATE_NEW))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("'a/b'")
                .hasMessageContaining("both an object and the prefix");
        try (PendingObject pending = local.create(ObjectKey.of("d"), Map.of(), WriteMode.OVERWRITE)) {
            pending.stream().write(1);
            assertThatThrownBy(pending::commit)
                    .isInstanceOf(IOException.class)
                    .isNotInstanceOf(FileSystemException.class)
                    .hasMessageContaining("directory holding other objects");
        }

        assertThat(local.stat(ObjectKey.of("a/b"))).isEmpty();
        assertThat(local.stat(ObjectKey.of("d"))).isEmpty();
        assertThat(local.listAllObjects("")).extracting(i -> i.key().value()).containsExactly("a", "d/e");
        assertThat(LocalStorageTargetContractTest.temporaryFiles(root)).isEmpty();
    }

    // ---------------------------------------------------------------- files made by others

    @Test
    void filesPlacedByHandAreObjectsWithTheirFileTimes() throws IOException {
        LocalStorageTarget local = target();
        Path file = Files.createDirectories(root.resolve("manual")).resolve("dump.bin");
        Files.write(file, new byte[42]);
        Instant mtime = Instant.parse("2025-01-02T03:04:05Z");
        Files.setLastModifiedTime(file, FileTime.from(mtime));

        ObjectInfo info = local.stat(ObjectKey.of("manual/dump.bin")).orElseThrow();

        assertThat(info.size()).isEqualTo(42L);
        assertThat(info.lastModified()).isEqualTo(mtime);
        assertThat(info.metadata()).isEmpty();
        assertThat(local.listAllObjects("manual/")).containsExactly(info);
    }

    @Test
    void filesWhoseNamesAreNotValidKeysAreNotListed() throws IOException {
        LocalStorageTarget local = target();
        write(local, "ok.bin", "ok");
        try {
            Files.writeString(root.resolve("back\\slash.bin"), "x");
        } catch (IOException | RuntimeException e) {
            assumeThat(e).as("file system allows a backslash in names").isNull();
        }

        assertThat(local.listAllObjects("")).extracting(i -> i.key().value()).containsExactly("ok.bin");
    }

    @Test
    void pagesFollowKeyOrderAcrossDirectories() throws IOException {
        LocalStorageTarget local = LocalStorageTarget.of(dir.resolve("paged"), 2);
        for (String k : List.of("a/1", "a/2", "a-b", "a.c", "a0", "b/c/d/e", "b/c/d0", "b/c0")) {
            write(local, k, k);
        }

        ObjectPage first = local.list("", null);
        assertThat(first.objects()).extracting(i -> i.key().value()).containsExactly("a-b", "a.c");
        assertThat(first.continuationToken()).isEqualTo("a.c");
        ObjectPage second = local.list("", first.continuationToken());
        assertThat(second.objects()).extracting(i -> i.key().value()).containsExactly("a/1", "a/2");
        ObjectPage third = local.list("", second.continuationToken());
        assertThat(third.objects()).extracting(i -> i.key().value()).containsExactly("a0", "b/c/d/e");
        ObjectPage fourth = local.list("", third.continuationToken());
        assertThat(fourth.objects()).extracting(i -> i.key().value()).containsExactly("b/c/d0", "b/c0");
        assertThat(fourth.continuationToken()).isNull();
        assertThat(local.list("b/c/d", null).objects()).extracting(i -> i.key().value())
                .containsExactly("b/c/d/e", "b/c/d0");
        assertThat(local.list(null, "b/c/d/e").objects()).extracting(i -> i.key().value())
                .containsExactly("b/c/d0", "b/c0");
    }

    @Test
    void listWithPrefixesOutsideTheKeySpaceIsEmpty() throws IOException {
        LocalStorageTarget local = target();
        write(local, "a/b", "b");
        Files.writeString(dir.resolve("sibling.txt"), "not ours");

        for (String prefix : List.of("../", "../sibling", "/", "//", "a/../", "a/b/", "a/b/c/", "./a", "a//")) {
            assertThat(local.listAllObjects(prefix)).as("prefix '%s'", prefix).isEmpty();
        }
    }

    @Test
    void failuresAreNotRetryable() {
        assertThat(target().isRetryable(new IOException("disk full"))).isFalse();
    }

    // ---------------------------------------------------------------- helpers

    private static void write(LocalStorageTarget target, String key, String content) throws IOException {
        try (PendingObject pending = target.create(ObjectKey.of(key), Map.of(), WriteMode.OVERWRITE)) {
            pending.stream().write(content.getBytes(StandardCharsets.UTF_8));
            pending.commit();
        }
    }

    private static Path leftover(Path path, Instant modified) throws IOException {
        Files.createDirectories(path.getParent());
        Files.write(path, new byte[] {1, 2, 3});
        Files.setLastModifiedTime(path, FileTime.from(modified));
        return path;
    }

    private static void symlink(Path link, Path target) throws IOException {
        try {
            Files.createSymbolicLink(link, target);
        } catch (UnsupportedOperationException | IOException e) {
            assumeThat(e).as("file system supports symbolic links").isNull();
        }
    }

    private static List<Path> filesIn(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.sorted().toList();
        }
    }
}
