package io.github.neo4jbackup.cli;

import io.github.neo4jbackup.export.cypher.driver.GraphRecord;
import io.github.neo4jbackup.export.cypher.driver.NodeIdSet;
import io.github.neo4jbackup.export.cypher.driver.ValueJson;
import io.github.neo4jbackup.export.cypher.select.RelationshipScope;
import io.github.neo4jbackup.export.cypher.select.ValueOrder;
import org.neo4j.driver.Value;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Writes the records of {@code extract} as JSON lines or CSV (both described in
 * {@code docs/partial-recovery.md}), nodes first, then relationships, with the optional
 * {@code --order-by} and {@code --limit}.
 * <p>Ordering keeps the selected nodes in memory until the first relationship (or the end) arrives,
 * bounded by {@code maxSortChars}: beyond it the run stops with a message saying how to narrow
 * the selection. With a limit only the first {@code limit} nodes by order are kept (a bounded heap),
 * so ordering with a limit needs memory for {@code limit} nodes only. When a limit leaves nodes out,
 * relationships are kept only as the scope says for the nodes actually written.
 */
final class ExtractWriter {

    /** The output formats. */
    enum Format { jsonl, csv }

    static final String CSV_HEADER = "kind,key,labels,type,start,end,properties";

    private record Buffered(Value sortKey, long seq, long key, String line) {
    }

    private static final Comparator<Buffered> ORDER = Comparator
            .comparing(Buffered::sortKey, Comparator.nullsLast(ValueOrder.ORDER))
            .thenComparingLong(Buffered::seq);

    private final Writer out;
    private final Format format;
    private final String orderBy;
    private final long limit;
    private final long maxSortChars;
    private final RelationshipScope scope;
    private final boolean trackWritten;
    private final NodeIdSet written = new NodeIdSet();
    private final Set<Long> writtenNegative = new HashSet<>();
    private PriorityQueue<Buffered> top;
    private List<Buffered> all;
    private long bufferedChars;
    private long seq;
    private boolean nodesDone;
    private long nodesWritten;
    private long relationshipsWritten;

    ExtractWriter(Writer out, Format format, String orderBy, long limit, long maxSortChars, RelationshipScope scope) {
        this.out = out;
        this.format = format;
        this.orderBy = orderBy;
        this.limit = limit;
        this.maxSortChars = maxSortChars;
        this.scope = scope;
        this.trackWritten = limit >= 0 && scope != RelationshipScope.NONE;
        if (orderBy != null) {
            if (limit >= 0) {
                top = new PriorityQueue<>(ORDER.reversed());
            } else {
                all = new ArrayList<>();
            }
        }
    }

    void start() throws IOException {
        if (format == Format.csv) {
            out.write(CSV_HEADER);
            out.write('\n');
        }
    }

    void node(GraphRecord.Node n) throws IOException {
        if (orderBy == null) {
            if (limit < 0 || nodesWritten < limit) {
                writeNode(n.key(), line(n));
            }
            return;
        }
        String line = line(n);
        Buffered b = new Buffered(n.properties().get(orderBy), seq++, n.key(), line);
        if (top != null) {
            if (limit == 0) {
                return;
            }
            top.add(b);
            bufferedChars += line.length();
            if (top.size() > limit) {
                bufferedChars -= top.poll().line().length();
            }
        } else {
            all.add(b);
            bufferedChars += line.length();
        }
        if (bufferedChars > maxSortChars) {
            throw CliException.usage("--order-by " + orderBy + " keeps the selected nodes in memory to sort them, and "
                    + "they exceed --sort-buffer (" + maxSortChars + " characters) after " + seq + " nodes: narrow the "
                    + "selection (--where-range, --label, --graphiti-group), add --limit N (then only N nodes are kept), "
                    + "or raise --sort-buffer together with the heap (JAVA_OPTS=-Xmx...). Nothing was kept.");
        }
    }

    void relationship(GraphRecord.Relationship r) throws IOException {
        finishNodes();
        if (trackWritten && !scope.keeps(isWritten(r.start()), isWritten(r.end()))) {
            return;
        }
        out.write(line(r));
        out.write('\n');
        relationshipsWritten++;
    }

    void finish() throws IOException {
        finishNodes();
        out.flush();
    }

    long nodesWritten() {
        return nodesWritten;
    }

    long relationshipsWritten() {
        return relationshipsWritten;
    }

    private void finishNodes() throws IOException {
        if (nodesDone) {
            return;
        }
        nodesDone = true;
        List<Buffered> sorted = null;
        if (top != null) {
            sorted = new ArrayList<>(top);
            top = null;
        } else if (all != null) {
            sorted = all;
            all = null;
        }
        if (sorted != null) {
            sorted.sort(ORDER);
            for (Buffered b : sorted) {
                writeNode(b.key(), b.line());
            }
        }
    }

    private void writeNode(long key, String line) throws IOException {
        out.write(line);
        out.write('\n');
        nodesWritten++;
        if (trackWritten) {
            if (key >= 0) {
                written.add(key);
            } else {
                writtenNegative.add(key);
            }
        }
    }

    private boolean isWritten(long key) {
        return key >= 0 ? written.contains(key) : writtenNegative.contains(key);
    }

    private String line(GraphRecord.Node n) {
        StringBuilder props = new StringBuilder();
        ValueJson.appendProperties(props, n.properties(), n.storedTypes());
        StringBuilder labels = new StringBuilder("[");
        for (int i = 0; i < n.labels().size(); i++) {
            if (i > 0) {
                labels.append(',');
            }
            ValueJson.appendString(labels, n.labels().get(i));
        }
        labels.append(']');
        if (format == Format.jsonl) {
            return "{\"kind\":\"node\",\"key\":" + n.key() + ",\"labels\":" + labels + ",\"properties\":" + props + "}";
        }
        return "node," + n.key() + "," + csv(labels.toString()) + ",,,," + csv(props.toString());
    }

    private String line(GraphRecord.Relationship r) {
        StringBuilder props = new StringBuilder();
        ValueJson.appendProperties(props, r.properties(), r.storedTypes());
        if (format == Format.jsonl) {
            StringBuilder sb = new StringBuilder("{\"kind\":\"relationship\",\"type\":");
            ValueJson.appendString(sb, r.type());
            return sb.append(",\"start\":").append(r.start()).append(",\"end\":").append(r.end())
                    .append(",\"properties\":").append(props).append('}').toString();
        }
        return "relationship,,," + csv(r.type()) + "," + r.start() + "," + r.end() + "," + csv(props.toString());
    }

    /** One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF; quotes doubled. */
    static String csv(String field) {
        if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0 && field.indexOf('\r') < 0) {
            return field;
        }
        return '"' + field.replace("\"", "\"\"") + '"';
    }
}
