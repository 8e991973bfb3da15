package io.github.neo4jbackup.cli;

import io.github.neo4jbackup.core.InvalidInputException;
import io.github.neo4jbackup.export.cypher.select.GraphSelection;
import io.github.neo4jbackup.export.cypher.select.PropertyPredicate.Bound;
import io.github.neo4jbackup.export.cypher.select.RelationshipScope;
import org.neo4j.driver.Value;
import org.neo4j.driver.Values;
import picocli.CommandLine.Option;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The options that select part of a backup ({@code extract}, and commands that restore a part),
 * as a picocli mixin; {@link #selection(RelationshipScope)} turns them into a {@link GraphSelection}.
 * <p>Value typing (documented in {@code docs/partial-recovery.md}): {@code KEY=VALUE} compares with a
 * string; {@code KEY:TYPE=VALUE} with a value of that type ({@code string}, {@code int}, {@code float},
 * {@code bool}, {@code date}, {@code time}, {@code localtime}, {@code datetime},
 * {@code localdatetime}). Range bounds without a type are typed by their form: integers, decimals,
 * ISO-8601 dates, times and datetimes (with an offset or zone: DATETIME / TIME; without:
 * LOCAL DATETIME / LOCAL TIME), anything else a string.
 */
final class SelectOptions {

    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?([0-9]+\\.[0-9]*|\\.[0-9]+|[0-9]+)([eE][+-]?[0-9]+)?");
    private static final Pattern DATE = Pattern.compile("[+-]?[0-9]{4,}-[0-9]{2}-[0-9]{2}");
    private static final Pattern DATETIME = Pattern.compile("[+-]?[0-9]{4,}-[0-9]{2}-[0-9]{2}T.*");
    private static final Pattern TIME = Pattern.compile("[0-9]{2}:[0-9]{2}.*");
    private static final Pattern OFFSET = Pattern.compile(".*(Z|[+-][0-9]{2}(:?[0-9]{2})?)(\\[.*])?$");

    @Option(names = "--label", paramLabel = "LABEL",
            description = "Select nodes that have this label (repeatable: nodes must have all of them).")
    List<String> labels = new ArrayList<>();

    @Option(names = "--where", paramLabel = "KEY[:TYPE]=VALUE",
            description = "Select nodes whose property equals the value (repeatable, all must hold). Without :TYPE "
                    + "the value is a string; TYPE is one of string, int, float, bool, date, time, localtime, "
                    + "datetime, localdatetime, e.g. --where group_id=tenant-7 --where rank:int=3.")
    List<String> where = new ArrayList<>();

    @Option(names = "--where-in", paramLabel = "KEY[:TYPE]=V1,V2,...",
            description = "Select nodes whose property equals one of the values (repeatable); a comma inside a value "
                    + "is written \\,.")
    List<String> whereIn = new ArrayList<>();

    @Option(names = "--where-range", paramLabel = "KEY[:TYPE]=START..END",
            description = "Select nodes whose property lies in the range (repeatable): START is included, END is "
                    + "not; write [START..END] to include both, (START..END) to exclude both; leave an end out for an "
                    + "open range (START.. or ..END). Numbers compare across int and float; datetimes by instant, "
                    + "and only with datetimes.")
    List<String> whereRange = new ArrayList<>();

    @Option(names = "--graphiti-group", paramLabel = "GROUP",
            description = "Select the nodes of one Graphiti group: --where group_id=GROUP.")
    String graphitiGroup;

    @Option(names = "--relationships", paramLabel = "none|both-ends|any-end",
            description = "Which relationships of the selected nodes to take: none, both-ends (both ends selected) or "
                    + "any-end (at least one end selected; the other end is named by its key only).")
    String relationships;

    @Option(names = "--with-relationships", description = "Take the relationships between selected nodes "
            + "(--relationships both-ends).")
    boolean withRelationships;

    /**
     * Whether any node condition was given.
     *
     * @return {@code true} when a label, property condition or group was given
     */
    public boolean any() {
        return !labels.isEmpty() || !where.isEmpty() || !whereIn.isEmpty() || !whereRange.isEmpty()
                || graphitiGroup != null;
    }

    /**
     * The selection these options describe.
     *
     * @param defaultScope the relationships to take when neither {@code --relationships} nor
     *                     {@code --with-relationships} is given
     * @return the selection
     * @throws CliException (usage) when an option is malformed
     */
    public GraphSelection selection(RelationshipScope defaultScope) {
        GraphSelection.Builder b = GraphSelection.builder();
        try {
            for (String l : labels) {
                b.label(l);
            }
            for (String w : where) {
                Condition c = condition("--where", w);
                b.whereEquals(c.key, typed("--where", c.key, c.type, c.text));
            }
            for (String w : whereIn) {
                Condition c = condition("--where-in", w);
                List<Value> values = new ArrayList<>();
                for (String v : splitList(c.text)) {
                    values.add(typed("--where-in", c.key, c.type, v));
                }
                b.whereIn(c.key, values);
            }
            for (String w : whereRange) {
                range(b, w);
            }
            if (graphitiGroup != null) {
                b.graphitiGroup(graphitiGroup);
            }
            b.relationships(scope(defaultScope));
            return b.build();
        } catch (InvalidInputException e) {
            throw CliException.usage(e.getMessage(), e);
        }
    }

    private RelationshipScope scope(RelationshipScope defaultScope) {
        if (relationships != null) {
            RelationshipScope s = switch (relationships.toLowerCase(Locale.ROOT)) {
                case "none" -> RelationshipScope.NONE;
                case "both-ends" -> RelationshipScope.BOTH_ENDS;
                case "any-end" -> RelationshipScope.ANY_END;
                default -> throw CliException.usage("--relationships '" + relationships
                        + "': use none, both-ends or any-end");
            };
            if (withRelationships && s == RelationshipScope.NONE) {
                throw CliException.usage("--with-relationships and --relationships none contradict each other");
            }
            return s;
        }
        return withRelationships ? RelationshipScope.BOTH_ENDS : defaultScope;
    }

    private record Condition(String key, String type, String text) {
    }

    private static Condition condition(String flag, String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0) {
            throw CliException.usage(flag + " '" + spec + "': write KEY=VALUE or KEY:TYPE=VALUE");
        }
        String left = spec.substring(0, eq);
        String text = spec.substring(eq + 1);
        int colon = left.lastIndexOf(':');
        if (colon > 0) {
            return new Condition(left.substring(0, colon), left.substring(colon + 1).toLowerCase(Locale.ROOT), text);
        }
        return new Condition(left, null, text);
    }

    private static void range(GraphSelection.Builder b, String spec) {
        Condition c = condition("--where-range", spec);
        String text = c.text.strip();
        boolean lowerInclusive = true;
        boolean upperInclusive = false;
        if (text.startsWith("[") || text.startsWith("(")) {
            lowerInclusive = text.startsWith("[");
            text = text.substring(1);
        }
        if (text.endsWith(")") || text.endsWith("]]") || (text.endsWith("]") && !hasZoneSuffix(text))) {
            upperInclusive = text.endsWith("]");
            text = text.substring(0, text.length() - 1);
        }
        int dots = text.indexOf("..");
        if (dots < 0) {
            throw CliException.usage("--where-range '" + spec + "': write KEY=START..END (either end may be left out)");
        }
        String start = text.substring(0, dots).strip();
        String end = text.substring(dots + 2).strip();
        if (start.isEmpty() && end.isEmpty()) {
            throw CliException.usage("--where-range '" + spec + "': give a start, an end or both");
        }
        Bound lower = start.isEmpty() ? null : new Bound(typedBound(c, start), lowerInclusive);
        Bound upper = end.isEmpty() ? null : new Bound(typedBound(c, end), upperInclusive);
        b.whereRange(c.key, lower, upper);
    }

    /** A datetime bound such as {@code ...+01:00[Europe/Berlin]} ends with {@code ]} that is not a range bracket. */
    private static boolean hasZoneSuffix(String text) {
        int open = text.lastIndexOf('[');
        return open > 0 && text.indexOf("..") < open && text.substring(0, open).matches(".*T.*");
    }

    private static Value typedBound(Condition c, String text) {
        return c.type != null ? typed("--where-range", c.key, c.type, text) : inferred(text);
    }

    /** A range bound without a type: typed by its form. */
    static Value inferred(String text) {
        try {
            if (INTEGER.matcher(text).matches()) {
                return Values.value(Long.parseLong(text));
            }
            if (DECIMAL.matcher(text).matches()) {
                return Values.value(Double.parseDouble(text));
            }
            if (DATE.matcher(text).matches()) {
                return Values.value(LocalDate.parse(text));
            }
            if (DATETIME.matcher(text).matches()) {
                return OFFSET.matcher(text).matches() ? Values.value(ZonedDateTime.parse(text))
                        : Values.value(LocalDateTime.parse(text));
            }
            if (TIME.matcher(text).matches()) {
                return OFFSET.matcher(text).matches() ? Values.value(OffsetTime.parse(text))
                        : Values.value(LocalTime.parse(text));
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            throw CliException.usage("--where-range bound '" + text + "' looks like a number or an ISO-8601 date/time "
                    + "but is not valid (" + e.getMessage() + "); give its type explicitly, e.g. KEY:string=...", e);
        }
        return Values.value(text);
    }

    /** A value of an explicit type ({@code null}: string). */
    static Value typed(String flag, String key, String type, String text) {
        String t = type == null ? "string" : type;
        try {
            return switch (t) {
                case "string", "str" -> Values.value(text);
                case "int", "integer", "long" -> Values.value(Long.parseLong(text.strip()));
                case "float", "double" -> Values.value(Double.parseDouble(text.strip()));
                case "bool", "boolean" -> {
                    if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
                        throw new IllegalArgumentException("not true or false");
                    }
                    yield Values.value(Boolean.parseBoolean(text));
                }
                case "date" -> Values.value(LocalDate.parse(text.strip()));
                case "time" -> Values.value(OffsetTime.parse(text.strip()));
                case "localtime" -> Values.value(LocalTime.parse(text.strip()));
                case "datetime" -> Values.value(ZonedDateTime.parse(text.strip()));
                case "localdatetime" -> Values.value(LocalDateTime.parse(text.strip()));
                default -> throw CliException.usage(flag + " " + key + ":" + type + ": unknown type '" + type
                        + "'; use string, int, float, bool, date, time, localtime, datetime or localdatetime");
            };
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw CliException.usage(flag + " " + key + ":" + t + "='" + text + "' is not a valid " + t + " ("
                    + e.getMessage() + "); datetimes are ISO-8601 with an offset or zone, e.g. "
                    + "2025-06-01T08:00:00Z or 2025-06-01T10:00+02:00[Europe/Berlin]", e);
        }
    }

    /** Splits {@code a,b\,c} into {@code a} and {@code b,c}. */
    static List<String> splitList(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length() && text.charAt(i + 1) == ',') {
                cur.append(',');
                i++;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
