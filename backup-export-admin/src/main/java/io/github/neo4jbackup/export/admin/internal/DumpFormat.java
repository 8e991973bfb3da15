package io.github.neo4jbackup.export.admin.internal;

import java.nio.charset.StandardCharsets;

/**
 * Recognises neo4j-admin dump streams and checks, as the bytes pass and without decompressing
 * anything, that a {@code DZV1} dump is a complete sequence of zstd frames: the 4-byte header,
 * then frames whose block headers are followed to the last block and the optional content
 * checksum. A stream that stops anywhere else was truncated. Not API.
 *
 * <p>Neo4j 5 writes {@code DZV1} + zstd (the default) or {@code DGV1} + gzip; older versions wrote
 * a bare gzip or zstd stream. Only {@code DZV1} streams are checked frame by frame; the others are
 * recognised by their header only.
 */
public final class DumpFormat {

    /** The header of a zstd-compressed dump (Neo4j 5 default). */
    public static final String ZSTD_V1 = "DZV1";
    /** The header of a gzip-compressed dump. */
    public static final String GZIP_V1 = "DGV1";
    /** A bare zstd stream (dumps of older versions). */
    public static final String LEGACY_ZSTD = "legacy-zstd";
    /** A bare gzip stream (dumps of older versions). */
    public static final String LEGACY_GZIP = "legacy-gzip";

    private static final int ZSTD_MAGIC = 0xFD2FB528;
    private static final int SKIPPABLE_MASK = 0xFFFFFFF0;
    private static final int SKIPPABLE_MAGIC = 0x184D2A50;

    private DumpFormat() {
    }

    /**
     * Names the format a stream starting with these bytes has.
     *
     * @param header at least 4 bytes (fewer never match)
     * @param length how many bytes of {@code header} are valid
     * @return {@link #ZSTD_V1}, {@link #GZIP_V1}, {@link #LEGACY_ZSTD}, {@link #LEGACY_GZIP}, or {@code null}
     */
    public static String recognise(byte[] header, int length) {
        if (length >= 4) {
            String text = new String(header, 0, 4, StandardCharsets.ISO_8859_1);
            if (ZSTD_V1.equals(text)) {
                return ZSTD_V1;
            }
            if (GZIP_V1.equals(text)) {
                return GZIP_V1;
            }
            if (littleEndianInt(header, 0) == ZSTD_MAGIC) {
                return LEGACY_ZSTD;
            }
        }
        if (length >= 2 && (header[0] & 0xff) == 0x1f && (header[1] & 0xff) == 0x8b) {
            return LEGACY_GZIP;
        }
        return null;
    }

    /**
     * Shows the first bytes of a stream for messages, e.g. {@code "<html" (3c 68 74 6d 6c)}.
     *
     * @param bytes  the bytes
     * @param length how many are valid
     * @return the description
     */
    public static String show(byte[] bytes, int length) {
        int n = Math.min(length, 8);
        if (n == 0) {
            return "nothing (the stream is empty)";
        }
        StringBuilder printable = new StringBuilder();
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int b = bytes[i] & 0xff;
            printable.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
            if (i > 0) {
                hex.append(' ');
            }
            hex.append(String.format("%02x", b));
        }
        return "\"" + printable + "\" (" + hex + ")";
    }

    private static int littleEndianInt(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    /**
     * Follows a dump stream as it passes. Feed every byte with {@link #update}; once the stream
     * ended, {@link #problemAtEnd()} says whether it was complete.
     */
    public static final class Checker {

        private enum State { HEADER, FRAME_MAGIC, FRAME_DESCRIPTOR, BLOCK_HEADER, CHECKSUM, SKIPPABLE_SIZE, SKIP,
            NOT_CHECKED, INVALID }

        /** What follows the bytes being skipped. */
        private enum AfterSkip { BLOCK_HEADER, END_OF_BLOCK, END_OF_FRAME }

        private State state = State.HEADER;
        private final byte[] collected = new byte[4];
        private int collectedLength;
        private int need = 4;
        private long skip;
        private AfterSkip afterSkip;
        private boolean lastBlock;
        private boolean checksum;
        private long offset;
        private long frames;
        private String format;
        private String problem;

        /** Creates a checker at the start of a stream. */
        public Checker() {
        }

        /**
         * Follows more bytes of the stream.
         *
         * @param b   the bytes
         * @param off where they start
         * @param len how many
         */
        public void update(byte[] b, int off, int len) {
            int i = off;
            int end = off + len;
            while (i < end && state != State.NOT_CHECKED && state != State.INVALID) {
                if (state == State.SKIP) {
                    int n = (int) Math.min(skip, end - i);
                    skip -= n;
                    i += n;
                    offset += n;
                    if (skip == 0) {
                        skipped();
                    }
                    continue;
                }
                collected[collectedLength++] = b[i++];
                offset++;
                if (collectedLength == need) {
                    collectedLength = 0;
                    parsed();
                }
            }
            offset += end - i;
        }

        private void expect(State next, int bytes) {
            state = next;
            need = bytes;
            collectedLength = 0;
        }

        private void skip(long bytes, AfterSkip then) {
            if (bytes == 0) {
                afterSkip = then;
                skipped();
            } else {
                skip = bytes;
                afterSkip = then;
                state = State.SKIP;
            }
        }

        private void skipped() {
            switch (afterSkip) {
                case BLOCK_HEADER -> expect(State.BLOCK_HEADER, 3);
                case END_OF_BLOCK -> endOfBlock();
                case END_OF_FRAME -> endOfFrame();
                default -> throw new IllegalStateException(afterSkip.name());
            }
        }

        private void parsed() {
            switch (state) {
                case HEADER -> {
                    format = recognise(collected, 4);
                    if (format == null) {
                        invalid("the stream does not start with a neo4j-admin dump header but with "
                                + show(collected, 4));
                    } else if (ZSTD_V1.equals(format)) {
                        expect(State.FRAME_MAGIC, 4);
                    } else {
                        state = State.NOT_CHECKED;
                    }
                }
                case FRAME_MAGIC -> {
                    int magic = littleEndianInt(collected, 0);
                    if (magic == ZSTD_MAGIC) {
                        expect(State.FRAME_DESCRIPTOR, 1);
                    } else if ((magic & SKIPPABLE_MASK) == SKIPPABLE_MAGIC) {
                        expect(State.SKIPPABLE_SIZE, 4);
                    } else {
                        invalid("no zstd frame starts at byte " + (offset - 4) + " (found " + show(collected, 4) + ")");
                    }
                }
                case SKIPPABLE_SIZE -> skip(littleEndianInt(collected, 0) & 0xffffffffL, AfterSkip.END_OF_FRAME);
                case FRAME_DESCRIPTOR -> {
                    int descriptor = collected[0] & 0xff;
                    if ((descriptor & 0x08) != 0) {
                        invalid("the zstd frame header at byte " + (offset - 1) + " has its reserved bit set");
                        return;
                    }
                    boolean singleSegment = (descriptor & 0x20) != 0;
                    checksum = (descriptor & 0x04) != 0;
                    int dictionaryIdBytes = new int[] {0, 1, 2, 4}[descriptor & 0x03];
                    int contentSizeBytes = new int[] {singleSegment ? 1 : 0, 2, 4, 8}[descriptor >>> 6];
                    skip((singleSegment ? 0 : 1) + dictionaryIdBytes + contentSizeBytes, AfterSkip.BLOCK_HEADER);
                }
                case BLOCK_HEADER -> {
                    int header = (collected[0] & 0xff) | (collected[1] & 0xff) << 8 | (collected[2] & 0xff) << 16;
                    lastBlock = (header & 1) != 0;
                    int type = (header >>> 1) & 0x03;
                    if (type == 3) {
                        invalid("the zstd block at byte " + (offset - 3) + " has the reserved block type");
                        return;
                    }
                    skip(type == 1 ? 1 : header >>> 3, AfterSkip.END_OF_BLOCK);
                }
                case CHECKSUM -> endOfFrame();
                default -> throw new IllegalStateException(state.name());
            }
        }

        private void endOfBlock() {
            if (!lastBlock) {
                expect(State.BLOCK_HEADER, 3);
            } else if (checksum) {
                expect(State.CHECKSUM, 4);
            } else {
                endOfFrame();
            }
        }

        private void endOfFrame() {
            frames++;
            expect(State.FRAME_MAGIC, 4);
        }

        private void invalid(String why) {
            state = State.INVALID;
            problem = why;
        }

        /**
         * The format recognised from the header, once 4 bytes were seen.
         *
         * @return the format name, or {@code null}
         */
        public String format() {
            return format;
        }

        /**
         * How many bytes were followed.
         *
         * @return the count
         */
        public long bytes() {
            return offset;
        }

        /**
         * Whether the stream is definitely not a well-formed dump already.
         *
         * @return {@code true} when a problem was found
         */
        public boolean invalid() {
            return state == State.INVALID;
        }

        /**
         * The problem found so far (not a dump, broken framing), or {@code null}.
         *
         * @return the problem
         */
        public String problem() {
            return problem;
        }

        /**
         * What is wrong if the stream ended now: {@code null} when it is a complete dump (or one of
         * the formats only recognised by their header).
         *
         * @return the problem, or {@code null}
         */
        public String problemAtEnd() {
            return switch (state) {
                case INVALID -> problem;
                case NOT_CHECKED -> null;
                case HEADER -> offset == 0 ? "the stream is empty: neo4j-admin produced no dump"
                        : "the stream ended after " + offset + " bytes, inside the dump header";
                case FRAME_MAGIC -> collectedLength == 0 && frames > 0 ? null
                        : "the dump ended after " + offset + " bytes, "
                        + (frames == 0 ? "before its first complete zstd frame" : "inside a frame header")
                        + ": it is truncated";
                default -> "the dump ended after " + offset + " bytes in the middle of a zstd frame: it is truncated";
            };
        }

        /**
         * The number of complete frames seen (skippable frames included).
         *
         * @return the count
         */
        public long frames() {
            return frames;
        }
    }
}
