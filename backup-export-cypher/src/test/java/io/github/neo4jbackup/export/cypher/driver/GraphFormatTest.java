package io.github.neo4jbackup.export.cypher.driver;

import org.junit.jupiter.api.Test;
import org.neo4j.driver.Value;
import org.neo4j.driver.Values;
import org.neo4j.driver.types.IsoDuration;
import org.neo4j.driver.types.Point;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GraphFormatTest {

    private static final double ODD_NAN = Double.longBitsToDouble(0x7ff0000000000123L);

    static Map<String, Value> everyValue() {
        Map<String, Value> p = new LinkedHashMap<>();
        p.put("s_plain", Values.value("hello"));
        p.put("s_empty", Values.value(""));
        p.put("s_controls", Values.value("a\u0000b\nc\r\nd\t\b\f\u001f\u007f'\"`\\/"));
        p.put("s_unicode", Values.value("Grüße 👋🏽 — 日本語 \u2028\u2029 \uFEFF"));
        p.put("s_lone_surrogates", Values.value("x\uD800y\uDC00z\uDBFF"));
        p.put("s_reversed_pair", Values.value("\uDC00\uD800"));
        p.put("s_json_lookalike", Values.value("{\"t\":\"end\"}\n{\"list\":[]}"));
        p.put("l_min", Values.value(Long.MIN_VALUE));
        p.put("l_max", Values.value(Long.MAX_VALUE));
        p.put("l_zero", Values.value(0L));
        p.put("l_minus_one", Values.value(-1L));
        p.put("d_neg_zero", Values.value(-0.0d));
        p.put("d_zero", Values.value(0.0d));
        p.put("d_one", Values.value(1.0d));
        p.put("d_nan", Values.value(Double.NaN));
        p.put("d_odd_nan", Values.value(ODD_NAN));
        p.put("d_pos_inf", Values.value(Double.POSITIVE_INFINITY));
        p.put("d_neg_inf", Values.value(Double.NEGATIVE_INFINITY));
        p.put("d_subnormal", Values.value(Double.MIN_VALUE));
        p.put("d_min_normal", Values.value(Double.MIN_NORMAL));
        p.put("d_max", Values.value(Double.MAX_VALUE));
        p.put("d_tenth", Values.value(0.1d));
        p.put("d_big_integral", Values.value(1e22));
        p.put("d_2pow63", Values.value(9.223372036854775807E18));
        p.put("b_true", Values.value(true));
        p.put("b_false", Values.value(false));
        p.put("bytes", Values.value(new byte[] {0, -1, 127, -128, 42}));
        p.put("bytes_empty", Values.value(new byte[0]));
        p.put("date_bc", Values.value(LocalDate.of(-44, 3, 15)));
        p.put("date_min", Values.value(LocalDate.MIN));
        p.put("date_max", Values.value(LocalDate.MAX));
        p.put("time_offset", Values.value(OffsetTime.of(23, 59, 59, 999999999, ZoneOffset.ofHoursMinutes(-9, -30))));
        p.put("time_odd_offset", Values.value(OffsetTime.of(0, 0, 0, 0, ZoneOffset.ofHoursMinutesSeconds(1, 2, 3))));
        p.put("localtime_nano", Values.value(LocalTime.of(0, 0, 0, 1)));
        p.put("localtime_whole_minute", Values.value(LocalTime.of(12, 0)));
        p.put("localdatetime", Values.value(LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999999999)));
        p.put("localdatetime_far", Values.value(LocalDateTime.of(123456, 1, 1, 0, 0)));
        ZonedDateTime zoned = ZonedDateTime.of(2025, 3, 30, 1, 59, 59, 123456789, ZoneId.of("Europe/Berlin"));
        p.put("datetime_zone", Values.value(zoned));
        // 02:30 happens twice in Berlin on 2025-10-26: keep the second one (+01:00)
        ZonedDateTime overlap = ZonedDateTime.of(LocalDateTime.of(2025, 10, 26, 2, 30), ZoneId.of("Europe/Berlin"))
                .withLaterOffsetAtOverlap();
        p.put("datetime_overlap_later", Values.value(overlap));
        p.put("datetime_overlap_earlier", Values.value(overlap.withEarlierOffsetAtOverlap()));
        p.put("datetime_utc_region", Values.value(ZonedDateTime.of(2020, 1, 1, 0, 0, 0, 0, ZoneId.of("UTC"))));
        p.put("datetime_offset", Values.value(zoned.toOffsetDateTime()));
        p.put("datetime_offset_z", Values.value(OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 1, ZoneOffset.UTC)));
        p.put("duration", Values.isoDuration(14, 3, 7200, 123456789));
        p.put("duration_negative", Values.isoDuration(-1, -2, -3, 4));
        p.put("duration_extreme", Values.isoDuration(Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE, 999_999_999));
        p.put("point_cartesian", Values.point(7203, 1.5, -2.25));
        p.put("point_cartesian_3d", Values.point(9157, 1.0, 2.0, -0.0));
        p.put("point_wgs84", Values.point(4326, 13.4050, 52.5200));
        p.put("point_wgs84_3d", Values.point(4979, -122.4194, 37.7749, 16.0));
        p.put("list_strings", Values.value(List.of("a", "", "ü\nx", "\uD800")));
        p.put("list_longs", Values.value(new long[] {Long.MIN_VALUE, 0L, Long.MAX_VALUE}));
        p.put("list_doubles", Values.value(new double[] {-0.0, Double.NaN, ODD_NAN, Double.MIN_VALUE, 1e308,
                Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 3.0}));
        p.put("list_booleans", Values.value(new boolean[] {true, false}));
        p.put("list_dates", Values.value(List.of(LocalDate.of(2025, 1, 1), LocalDate.of(1, 1, 1))));
        p.put("list_times", Values.value(List.of(OffsetTime.of(1, 2, 3, 4, ZoneOffset.UTC))));
        p.put("list_localtimes", Values.value(List.of(LocalTime.NOON, LocalTime.MAX)));
        p.put("list_localdatetimes", Values.value(List.of(LocalDateTime.of(2000, 2, 29, 12, 0))));
        p.put("list_datetimes_mixed", Values.value(List.of(zoned, zoned.withZoneSameInstant(ZoneId.of("Asia/Kathmandu")),
                zoned.toOffsetDateTime())));
        p.put("list_durations", Values.value(List.of(Values.isoDuration(0, 0, 1, 0).asIsoDuration())));
        p.put("list_points", Values.value(List.of(Values.point(7203, 0, 0).asPoint(), Values.point(7203, 1, 1).asPoint())));
        p.put("list_points_3d", Values.value(List.of(Values.point(4979, 1, 2, 3).asPoint())));
        p.put("list_empty", Values.value(List.of()));
        List<Double> embedding = new ArrayList<>();
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 1536; i++) {
            embedding.add(random.nextGaussian());
        }
        p.put("embedding", Values.value(embedding));
        p.put("", Values.value("empty key"));
        p.put("key with `backtick`, space and \"quote\"\n", Values.value(1));
        return p;
    }

    static byte[] write(GraphWriterAction action) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        GraphFileWriter w = new GraphFileWriter(out);
        w.header(new GraphRecord.Header(GraphFormat.VERSION, "neo4j", "5.26.30", "community", "2025-01-01T00:00:00Z"));
        action.write(w);
        w.finish("c0ffee", null);
        return out.toByteArray();
    }

    interface GraphWriterAction {
        void write(GraphFileWriter w) throws IOException;
    }

    static List<GraphRecord> readAll(byte[] bytes) throws IOException {
        GraphFileReader r = new GraphFileReader(new ByteArrayInputStream(bytes));
        List<GraphRecord> records = new ArrayList<>();
        GraphRecord rec;
        while ((rec = r.next()) != null) {
            records.add(rec);
        }
        return records;
    }

    @Test
    void everyValueTypeRoundTripsExactly() throws IOException {
        Map<String, Value> props = everyValue();
        byte[] bytes = write(w -> {
            w.schema(new GraphRecord.SchemaStatement(GraphRecord.SchemaKind.CONSTRAINT, "c",
                    "CREATE CONSTRAINT c IF NOT EXISTS FOR (n:A) REQUIRE n.x IS UNIQUE"));
            w.node(1, List.of("Entity", "Odd Label", "label with `backtick`"), props);
            w.node(2, List.of(), Map.of());
            w.relationship(1, 1, "weird`type", props);
            w.relationship(1, 2, "TYPE WITH SPACE", Map.of());
        });
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertThat(text.lines()).hasSize(7);
        assertThat(text).endsWith("\n");

        List<GraphRecord> records = readAll(bytes);
        assertThat(records).hasSize(7);
        GraphRecord.Header header = (GraphRecord.Header) records.get(0);
        assertThat(header.database()).isEqualTo("neo4j");
        assertThat(header.version()).isEqualTo(2);
        assertThat(header.neo4jVersion()).isEqualTo("5.26.30");
        GraphRecord.SchemaStatement schema = (GraphRecord.SchemaStatement) records.get(1);
        assertThat(schema.kind()).isEqualTo(GraphRecord.SchemaKind.CONSTRAINT);
        GraphRecord.Node node = (GraphRecord.Node) records.get(2);
        assertThat(node.key()).isEqualTo(1);
        assertThat(node.labels()).containsExactly("Entity", "Odd Label", "label with `backtick`");
        assertSameProperties(node.properties(), props);
        GraphRecord.Node empty = (GraphRecord.Node) records.get(3);
        assertThat(empty.labels()).isEmpty();
        assertThat(empty.properties()).isEmpty();
        GraphRecord.Relationship rel = (GraphRecord.Relationship) records.get(4);
        assertThat(rel.start()).isEqualTo(1);
        assertThat(rel.end()).isEqualTo(1);
        assertThat(rel.type()).isEqualTo("weird`type");
        assertSameProperties(rel.properties(), props);
        GraphRecord.Trailer trailer = (GraphRecord.Trailer) records.get(6);
        assertThat(trailer.nodes()).isEqualTo(2);
        assertThat(trailer.relationships()).isEqualTo(2);
        assertThat(trailer.schemaStatements()).isEqualTo(1);
        assertThat(trailer.labels()).containsEntry("Entity", 1L).containsEntry("label with `backtick`", 1L);
        assertThat(trailer.types()).containsEntry("weird`type", 1L).containsEntry("TYPE WITH SPACE", 1L);
        assertThat(trailer.contentFingerprint()).isEqualTo("c0ffee");
        assertThat(trailer.schemaFingerprint()).isNull();
    }

    @Test
    void encodingIsReadableAndTyped() throws IOException {
        Map<String, Value> p = new LinkedHashMap<>();
        p.put("s", Values.value("x"));
        p.put("i", Values.value(3));
        p.put("f", Values.value(3.0));
        p.put("nan", Values.value(Double.NaN));
        p.put("dt", Values.value(ZonedDateTime.of(2025, 1, 2, 3, 4, 5, 6, ZoneId.of("Europe/Berlin"))));
        p.put("pt", Values.point(4326, 1.5, 2.5));
        p.put("lf", Values.value(new double[] {1.0, Double.NaN}));
        p.put("le", Values.value(List.of()));
        String text = new String(write(w -> w.node(7, List.of("A"), p)), StandardCharsets.UTF_8);
        assertThat(text.lines().toList().get(1)).isEqualTo("{\"t\":\"n\",\"k\":7,\"l\":[\"A\"],\"p\":{\"s\":\"x\",\"i\":3,"
                + "\"f\":3.0,\"nan\":{\"float\":\"NaN\"},\"dt\":{\"datetime\":\"2025-01-02T03:04:05.000000006+01:00[Europe/Berlin]\"},"
                + "\"pt\":{\"point\":[4326,1.5,2.5]},\"lf\":{\"list<float>\":[1.0,\"NaN\"]},\"le\":{\"list\":[]}}}");
        assertThat(text.lines().toList().get(0)).startsWith("{\"t\":\"header\",\"format\":\"neo4j-backup-graph\",\"version\":2,");
    }

    @Test
    void readerAcceptsWhitespaceUnknownMembersAndAnyMemberOrder() throws IOException {
        String text = """
                {"t":"header","format":"neo4j-backup-graph","version":1,"database":"neo4j","future":{"a":[1,true,null]}}
                { "t" : "n" , "p" : { "x" : 1 } , "l" : [ "A" ] , "k" : 5 , "new" : "ignored" }
                {"t":"r","y":"T","p":{},"e":5,"s":5}
                {"t":"end","nodes":1,"relationships":1,"schema":0}
                """;
        List<GraphRecord> records = readAll(text.getBytes(StandardCharsets.UTF_8));
        assertThat(records).hasSize(4);
        assertThat(((GraphRecord.Node) records.get(1)).properties().get("x").asLong()).isEqualTo(1);
    }

    @Test
    void missingTrailerIsTruncation() throws IOException {
        byte[] bytes = write(w -> w.node(1, List.of("A"), Map.of()));
        String text = new String(bytes, StandardCharsets.UTF_8);
        String withoutTrailer = text.substring(0, text.lastIndexOf("{\"t\":\"end\""));
        assertThatThrownBy(() -> readAll(withoutTrailer.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(GraphFormatException.class)
                .hasMessageContaining("Line 2")
                .hasMessageContaining("ends without a trailer after 1 nodes")
                .hasMessageContaining("truncated");
        String cut = text.substring(0, text.length() - 5);
        assertThatThrownBy(() -> readAll(cut.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(GraphFormatException.class)
                .hasMessageContaining("Line 3")
                .hasMessageContaining("incomplete");
        assertThatThrownBy(() -> readAll(new byte[0]))
                .isInstanceOf(GraphFormatException.class)
                .hasMessageContaining("empty");
    }

    @Test
    void malformedLinesNameTheLine() {
        String header = "{\"t\":\"header\",\"format\":\"neo4j-backup-graph\",\"version\":1,\"database\":\"neo4j\"}\n";
        String trailer = "{\"t\":\"end\",\"nodes\":1,\"relationships\":0,\"schema\":0}\n";
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("{\"t\":\"n\",\"k\":1,\"l\":[],\"p\":{\"x\":}}\n", "invalid value");
        cases.put("{\"t\":\"n\",\"k\":1,\"l\":[],\"p\":{\"x\":1}\n", "expected ',' or '}' but the line ends");
        cases.put("{\"t\":\"n\",\"k\":1,\"l\":[],\"p\":{\"x\":{\"zoned\":\"x\"}}}\n", "unknown type tag \"zoned\"");
        cases.put("{\"t\":\"n\",\"k\":1,\"l\":[],\"p\":{\"x\":{\"date\":\"2025-13-01\"}}}\n", "invalid date value");
        cases.put("{\"t\":\"n\",\"k\":1,\"l\":[],\"p\":{\"x\":99999999999999999999}}\n", "out of the 64-bit range");
        cases.put("{\"t\":\"n\",\"k\":1,\"l\":[],\"p\":{\"x\":null}}\n", "null is not a property value");
        cases.put("{\"t\":\"n\",\"k\":1,\"l\":[],\"p\":{\"x\":1,\"x\":2}}\n", "duplicate property");
        cases.put("{\"t\":\"n\",\"k\":1,\"l\":[],\"p\":{\"x\":{\"list<float>\":[1.0,\"Nope\"]}}}\n", "invalid float \"Nope\"");
        cases.put("{\"t\":\"n\",\"k\":1,\"l\":[],\"p\":{\"x\":\"a\u0001\"}}\n", "unescaped control character");
        cases.put("{\"t\":\"n\",\"l\":[],\"p\":{}}\n", "node without key");
        cases.put("{\"t\":\"node\",\"k\":1}\n", "unknown record type \"node\"");
        cases.put("{\"k\":1,\"t\":\"n\"}\n", "must start with its type member");
        cases.put("not json\n", "must be a JSON object");
        cases.put("{\"t\":\"n\",\"k\":1,\"l\":[],\"p\":{}} trailing\n", "unexpected text after the record");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            byte[] bytes = (header + c.getKey() + trailer).getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> readAll(bytes)).as(c.getKey())
                    .isInstanceOf(GraphFormatException.class)
                    .hasMessageStartingWith("Line 2 of the backup stream: ")
                    .hasMessageContaining(c.getValue())
                    .satisfies(e -> assertThat(((GraphFormatException) e).line()).isEqualTo(2));
        }
    }

    @Test
    void structuralProblemsAreReported() {
        String header = "{\"t\":\"header\",\"format\":\"neo4j-backup-graph\",\"version\":1,\"database\":\"neo4j\"}\n";
        String node = "{\"t\":\"n\",\"k\":1,\"l\":[],\"p\":{}}\n";
        String rel = "{\"t\":\"r\",\"s\":1,\"e\":1,\"y\":\"T\",\"p\":{}}\n";
        String trailer = "{\"t\":\"end\",\"nodes\":1,\"relationships\":1,\"schema\":0}\n";
        assertThatThrownBy(() -> readAll((header + rel + node + trailer).getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("Line 3").hasMessageContaining("a node after the relationships");
        assertThatThrownBy(() -> readAll((header + node + rel + trailer + node).getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("Line 5").hasMessageContaining("data follows the trailer");
        assertThatThrownBy(() -> readAll((header + node + trailer).getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("Line 3").hasMessageContaining("the trailer records 1 nodes, 1 relationships")
                .hasMessageContaining("damaged");
        assertThatThrownBy(() -> readAll((node + trailer).getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("Line 1").hasMessageContaining("does not start with a neo4j-backup-graph header");
        byte[] badUtf8 = (header + "{\"t\":\"n\",\"k\":1,\"l\":[\"\u00ff\"],\"p\":{}}\n" + trailer)
                .getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> readAll(badUtf8)).isInstanceOf(GraphFormatException.class)
                .hasMessageContaining("not valid UTF-8");
    }

    private static final String HEADER =
            "{\"t\":\"header\",\"format\":\"neo4j-backup-graph\",\"version\":1,\"database\":\"neo4j\"}\n";

    /** A stream of one header, one node per value of property "s" (as raw UTF-8 text) and a trailer. */
    private static byte[] nodesWithText(String... values) {
        StringBuilder text = new StringBuilder(HEADER);
        for (int i = 0; i < values.length; i++) {
            text.append("{\"t\":\"n\",\"k\":").append(i).append(",\"l\":[],\"p\":{\"s\":\"").append(values[i])
                    .append("\"}}\n");
        }
        text.append("{\"t\":\"end\",\"nodes\":").append(values.length).append(",\"relationships\":0,\"schema\":0}\n");
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    @Test
    void malformedUtf8NamesItsLine() {
        byte[][] damages = {
            {(byte) 0xff},                                  // never valid
            {(byte) 0x80},                                  // continuation byte without a lead byte
            {(byte) 0xc3},                                  // lead byte whose continuation is missing
            {(byte) 0xe6, (byte) 0x97},                     // 3-byte sequence cut short
            {(byte) 0xc0, (byte) 0xaf},                     // overlong encoding of '/'
            {(byte) 0xed, (byte) 0xa0, (byte) 0x80},        // a surrogate encoded as UTF-8
            {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
        };
        byte[] ok = nodesWithText("first", "second");
        String text = new String(ok, StandardCharsets.UTF_8);
        int third = text.indexOf("second");
        for (byte[] damage : damages) {
            byte[] before = text.substring(0, third).getBytes(StandardCharsets.UTF_8);
            byte[] after = text.substring(third).getBytes(StandardCharsets.UTF_8);
            byte[] bytes = concat(before, damage, after);
            assertThatThrownBy(() -> readAll(bytes)).as(java.util.Arrays.toString(damage))
                    .isInstanceOf(GraphFormatException.class)
                    .hasMessageStartingWith("Line 3 of the backup stream: ")
                    .hasMessageContaining("not valid UTF-8; the backup is damaged")
                    .satisfies(e -> assertThat(((GraphFormatException) e).line()).isEqualTo(3));
            // the same damage at the end of a line, right before its '\n'
            int lineEnd = text.indexOf('\n', third);
            byte[] atEnd = concat(text.substring(0, lineEnd).getBytes(StandardCharsets.UTF_8), damage,
                    text.substring(lineEnd).getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> readAll(atEnd)).isInstanceOf(GraphFormatException.class)
                    .hasMessageStartingWith("Line 3 of the backup stream: ")
                    .hasMessageContaining("not valid UTF-8");
        }
    }

    @Test
    void replacementCharacterAndSupplementaryCharactersSurvive() throws IOException {
        String[] values = {"a\uFFFDb", "\uFFFD", "\uD83D\uDC4B\uD83C\uDFFD emoji \uD834\uDD1E", "Gr\u00fc\u00dfe \u65e5\u672c \u0000"
                .replace("\u0000", "x")};
        List<GraphRecord> records = readAll(nodesWithText(values));
        for (int i = 0; i < values.length; i++) {
            assertThat(((GraphRecord.Node) records.get(i + 1)).properties().get("s").asString()).isEqualTo(values[i]);
        }
        // written by the writer, too
        Map<String, Value> props = Map.of("s", Values.value("x\uFFFDy\uD83D\uDE00"));
        List<GraphRecord> written = readAll(write(w -> w.node(1, List.of(), props)));
        assertSameProperties(((GraphRecord.Node) written.get(1)).properties(), props);
    }

    @Test
    void multibyteCharactersSplitAcrossReadsSurvive() throws IOException {
        // lines far longer than the reader's 64 KiB buffer, shifted so that the buffer ends inside
        // 2-, 3- and 4-byte sequences at every position
        for (int shift = 0; shift < 4; shift++) {
            String value = "x".repeat(shift) + "\u00fc\u65e5\uD83D\uDC4B".repeat(15_000);
            String[] values = {value, "after", value};
            byte[] bytes = nodesWithText(values);
            List<GraphRecord> records = readAll(bytes);
            assertThat(records).hasSize(5);
            for (int i = 0; i < values.length; i++) {
                assertThat(((GraphRecord.Node) records.get(i + 1)).properties().get("s").asString())
                        .isEqualTo(values[i]);
            }
            // and delivered a few bytes at a time
            int chunk = 1 + shift;
            GraphFileReader slow = new GraphFileReader(new java.io.FilterInputStream(new ByteArrayInputStream(bytes)) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return super.read(b, off, Math.min(len, chunk));
                }
            });
            slow.header();
            assertThat(((GraphRecord.Node) slow.next()).properties().get("s").asString()).isEqualTo(value);
        }
    }

    @Test
    void tooLongLinesAreRefusedWithTheirLine() throws IOException {
        byte[] bytes = nodesWithText("short", "\u65e5".repeat(60), "z".repeat(200_000));
        String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n");
        int headerChars = lines[0].length();
        int secondChars = lines[2].length();
        assertThat(secondChars).isGreaterThan(headerChars);
        // a line of exactly the limit is read; the line with 3-byte characters counts characters, not bytes
        GraphFileReader exact = new GraphFileReader(new ByteArrayInputStream(bytes), secondChars);
        exact.header();
        exact.next();
        assertThat(((GraphRecord.Node) exact.next()).properties().get("s").asString()).isEqualTo("\u65e5".repeat(60));
        assertThat(exact.lastLineChars()).isEqualTo(secondChars);
        assertThatThrownBy(exact::next).isInstanceOf(GraphFormatException.class)
                .hasMessageStartingWith("Line 4 of the backup stream: ")
                .hasMessageContaining("longer than " + secondChars + " characters; the backup is damaged");
        GraphFileReader oneLess = new GraphFileReader(new ByteArrayInputStream(bytes), secondChars - 1);
        oneLess.header();
        oneLess.next();
        assertThatThrownBy(oneLess::next).isInstanceOf(GraphFormatException.class)
                .hasMessageStartingWith("Line 3 of the backup stream: ")
                .hasMessageContaining("longer than " + (secondChars - 1) + " characters");
        // an endless line is refused after a bounded number of bytes, before its end is seen
        java.io.InputStream endless = new java.io.SequenceInputStream(new ByteArrayInputStream(HEADER.getBytes(
                StandardCharsets.UTF_8)), new java.io.InputStream() {
                    @Override
                    public int read() {
                        return 'a';
                    }
                });
        GraphFileReader r = new GraphFileReader(endless, 1000);
        r.header();
        assertThatThrownBy(r::next).isInstanceOf(GraphFormatException.class)
                .hasMessageStartingWith("Line 2 of the backup stream: ")
                .hasMessageContaining("longer than 1000 characters");
    }

    @Test
    void lastLineWithoutLineEndIsTruncation() {
        byte[] bytes = nodesWithText("a", "\u65e5".repeat(30_000));
        byte[] withoutLastNewline = java.util.Arrays.copyOf(bytes, bytes.length - 1);
        assertThatThrownBy(() -> readAll(withoutLastNewline)).isInstanceOf(GraphFormatException.class)
                .hasMessageStartingWith("Line 4 of the backup stream: ")
                .hasMessageContaining("the last line is incomplete (no line end): the backup is truncated");
        // cut inside the long line (and inside one of its characters)
        byte[] cutLong = java.util.Arrays.copyOf(bytes, bytes.length - 100);
        assertThatThrownBy(() -> readAll(cutLong)).isInstanceOf(GraphFormatException.class)
                .hasMessageStartingWith("Line 3 of the backup stream: ")
                .hasMessageContaining("incomplete");
    }

    @Test
    void float32ListsKeepTheirStoredTypeAndBits() throws Exception {
        float[] floats = {0.1f, -1.4E-45f, Float.MIN_NORMAL, Float.MAX_VALUE, -0.0f, 1e-7f, Float.NaN};
        double[] widened = new double[floats.length];
        for (int i = 0; i < floats.length; i++) {
            widened[i] = floats[i];
        }
        Map<String, Value> props = Map.of("v", Values.value(widened), "d", Values.value(new double[] {0.1}));
        byte[] bytes = write(w -> {
            w.node(1, List.of("Entity"), props, Map.of("v", "FloatArray"));
            w.relationship(1, 1, "R", props, Map.of("v", "FloatArray"));
        });
        String text = new String(bytes, StandardCharsets.UTF_8);
        // the shortest decimal of each float (Java 17's Float.toString writes 1.17549435E-38 for MIN_NORMAL)
        assertThat(text).contains("\"v\":{\"list<float32>\":[0.1,-1.4E-45,1.1754944E-38,3.4028235E38,-0.0,1.0E-7,\"NaN\"]}")
                .contains("\"d\":{\"list<float>\":[0.1]}");
        List<GraphRecord> records = readAll(bytes);
        GraphRecord.Node node = (GraphRecord.Node) records.get(1);
        GraphRecord.Relationship rel = (GraphRecord.Relationship) records.get(2);
        assertThat(node.storedTypes()).isEqualTo(Map.of("v", "FloatArray"));
        assertThat(rel.storedTypes()).isEqualTo(Map.of("v", "FloatArray"));
        List<Double> back = node.properties().get("v").asList(Value::asDouble);
        for (int i = 0; i < floats.length; i++) {
            assertThat(Double.doubleToRawLongBits(back.get(i))).isEqualTo(Double.doubleToRawLongBits(widened[i]));
        }
        assertThat(node.properties().get("d").asList(Value::asDouble)).containsExactly(0.1);
        // a value that is not a 32-bit float cannot be written as one
        assertThatThrownBy(() -> write(w -> w.node(1, List.of(), Map.of("v", Values.value(new double[] {0.1})),
                Map.of("v", "FloatArray")))).hasMessageContaining("not a 32-bit float");
    }

    @Test
    void unknownFormatVersionIsRefusedClearly() {
        String text = "{\"t\":\"header\",\"format\":\"neo4j-backup-graph\",\"version\":3,\"database\":\"neo4j\"}\n"
                + "{\"t\":\"end\",\"nodes\":0,\"relationships\":0,\"schema\":0}\n";
        assertThatThrownBy(() -> readAll(text.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(GraphFormatException.class)
                .hasMessageContaining("format version 3")
                .hasMessageContaining("reads versions 1 to 2")
                .hasMessageContaining("newer neo4j-backup");
        String other = "{\"t\":\"header\",\"format\":\"something-else\",\"version\":1,\"database\":\"neo4j\"}\n";
        assertThatThrownBy(() -> readAll(other.getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("found format \"something-else\"");
    }

    @Test
    void writerRefusesOutOfOrderRecordsAndUnstorableValues() throws IOException {
        GraphFileWriter w = new GraphFileWriter(new ByteArrayOutputStream());
        assertThatThrownBy(() -> w.node(1, List.of(), Map.of())).isInstanceOf(IllegalStateException.class);
        w.header(new GraphRecord.Header(1, "neo4j", null, null, null));
        w.relationship(1, 2, "T", Map.of());
        assertThatThrownBy(() -> w.node(1, List.of(), Map.of())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("header, schema, nodes, relationships");
        assertThatThrownBy(() -> w.relationship(1, 2, "T", Map.of("m", Values.value(Map.of("a", 1)))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("property 'm'")
                .hasMessageContaining("MAP");
        assertThatThrownBy(() -> w.relationship(1, 2, "T", Map.of("mixed", Values.value(List.of(1L, "a")))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("list mixes INTEGER and STRING");
    }

    static void assertSameProperties(Map<String, Value> actual, Map<String, Value> expected) {
        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (Map.Entry<String, Value> e : expected.entrySet()) {
            assertSameValue(e.getKey(), actual.get(e.getKey()), e.getValue());
        }
    }

    static void assertSameValue(String what, Value actual, Value expected) {
        assertThat(actual.type().name()).as(what + " type").isEqualTo(expected.type().name());
        switch (expected.type().name()) {
            case "FLOAT" -> assertThat(Double.doubleToRawLongBits(actual.asDouble())).as(what)
                    .isEqualTo(Double.doubleToRawLongBits(expected.asDouble()));
            case "LIST OF ANY?" -> {
                assertThat(actual.size()).as(what + " size").isEqualTo(expected.size());
                for (int i = 0; i < expected.size(); i++) {
                    assertSameValue(what + "[" + i + "]", actual.get(i), expected.get(i));
                }
            }
            case "DATE_TIME" -> {
                ZonedDateTime a = actual.asZonedDateTime();
                ZonedDateTime x = expected.asZonedDateTime();
                assertThat(a).as(what).isEqualTo(x);
                assertThat(a.getZone()).as(what + " zone").isEqualTo(x.getZone());
                assertThat(a.getOffset()).as(what + " offset").isEqualTo(x.getOffset());
            }
            case "POINT" -> {
                Point a = actual.asPoint();
                Point x = expected.asPoint();
                assertThat(a.srid()).isEqualTo(x.srid());
                assertThat(Double.doubleToRawLongBits(a.x())).as(what + ".x").isEqualTo(Double.doubleToRawLongBits(x.x()));
                assertThat(Double.doubleToRawLongBits(a.y())).as(what + ".y").isEqualTo(Double.doubleToRawLongBits(x.y()));
                assertThat(Double.doubleToRawLongBits(a.z())).as(what + ".z").isEqualTo(Double.doubleToRawLongBits(x.z()));
            }
            case "DURATION" -> {
                IsoDuration a = actual.asIsoDuration();
                IsoDuration x = expected.asIsoDuration();
                assertThat(List.of(a.months(), a.days(), a.seconds(), (long) a.nanoseconds())).as(what)
                        .isEqualTo(List.of(x.months(), x.days(), x.seconds(), (long) x.nanoseconds()));
            }
            case "BYTES" -> assertThat(actual.asByteArray()).as(what).isEqualTo(expected.asByteArray());
            default -> assertThat(actual.asObject()).as(what).isEqualTo(expected.asObject());
        }
    }
}
