package io.github.neo4jbackup.storage.local;

import io.github.neo4jbackup.core.spi.ObjectExistsException;
import io.github.neo4jbackup.core.spi.ObjectInfo;
import io.github.neo4jbackup.core.spi.ObjectKey;
import io.github.neo4jbackup.core.spi.PendingObject;
import io.github.neo4jbackup.core.spi.WriteMode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * One write of a {@link LocalStorageTarget}, the atomic file write: the bytes are buffered into a
 * temporary file next to the final name; the commit {@code fsync}s it, publishes it under the final
 * name (a rename for {@link WriteMode#OVERWRITE}; for {@link WriteMode#CREATE_NEW} a hard link,
 * which fails atomically when the name is taken, with a checked rename where hard links are
 * missing) and {@code fsync}s the directories; an abort, or a close without a commit, deletes the
 * temporary file and the directories the write created. Not API.
 */
final class LocalPendingObject implements PendingObject {

    private static final int BUFFER_SIZE = 64 * 1024;

    private enum State { OPEN, COMMITTED, ABORTED }

    private final LocalPaths paths;
    private final LocalWrites writes;
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

    LocalPendingObject(LocalPaths paths, LocalWrites writes, ObjectKey key, Path target, Path temp,
            FileChannel channel, WriteMode mode, boolean createdDirectories) {
        this.paths = paths;
        this.writes = writes;
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
            throw new IOException("Cannot commit object '" + key + "' in " + paths.describe() + ": the write was"
                    + " already " + (state == State.COMMITTED ? "committed" : "aborted")
                    + ". Start a new write with create().");
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
                throw new IOException("Cannot commit object '" + key + "' in " + paths.describe() + ": '" + key
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
            writes.released(temp);
            syncDirectories();
            return LocalPaths.info(key, attributes);
        } finally {
            if (!published) {
                discard();
            }
        }
    }

    private IOException commitFailed(String what, IOException cause) {
        return new IOException("Cannot commit object '" + key + "' in " + paths.describe() + ": " + what + " ("
                + LocalPaths.reason(cause) + "). Nothing was stored under the key; check free space and permissions,"
                + " then write it again.", cause);
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
        LocalPaths.syncDirectory(parent);
        if (createdDirectories) {
            Path realRoot = paths.realRoot();
            for (Path dir = parent.getParent(); dir != null && dir.startsWith(realRoot); dir = dir.getParent()) {
                LocalPaths.syncDirectory(dir);
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
        writes.released(temp);
        if (createdDirectories) {
            paths.pruneEmptyDirectories(temp.getParent());
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
