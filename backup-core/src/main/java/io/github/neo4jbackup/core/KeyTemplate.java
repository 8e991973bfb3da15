package io.github.neo4jbackup.core;

import io.github.neo4jbackup.core.spi.ObjectKey;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a backup's data object key is built, for example
 * {@code {database}/{database}-{timestamp}.{ext}} (the default) or a hive-style
 * {@code environment={environment}/year={yyyy}/month={MM}/day={dd}/{database}-{timestamp}.{ext}}.
 *
 * <p>Placeholders: {@code {database}}, {@code {timestamp}} (UTC, {@code 20251101T230000Z}),
 * {@code {id}} (the backup id), {@code {yyyy}}, {@code {MM}}, {@code {dd}}, {@code {HH}},
 * {@code {mm}}, {@code {ss}} (UTC), {@code {engine}}, {@code {ext}}, and the name of any label
 * given to the pipeline ({@code {environment}} for a label {@code environment=prod}). A template
 * must contain {@code {timestamp}} or {@code {id}} so that every backup gets its own key. The
 * manifest is stored beside the data object, at the data key plus {@code .manifest.json}.
 */
public final class KeyTemplate {

    /** The default template. */
    public static final String DEFAULT = "{database}/{database}-{timestamp}.{ext}";

    /** Format of {@code {timestamp}}: UTC, basic ISO-8601, second precision. */
    public static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z0-9_.-]+)}");
    private static final Set<String> BUILT_IN = Set.of("database", "timestamp", "id", "yyyy", "MM", "dd",
            "HH", "mm", "ss", "engine", "ext");

    private final String template;
    private final List<String> placeholders;

    private KeyTemplate(String template, List<String> placeholders) {
        this.template = template;
        this.placeholders = placeholders;
    }

    /**
     * Parses a template.
     *
     * @param template the template text
     * @return the template
     * @throws InvalidInputException when it is malformed, has no unique part or could never
     *                               produce a safe key
     */
    public static KeyTemplate of(String template) {
        Objects.requireNonNull(template, "template");
        String stripped = PLACEHOLDER.matcher(template).replaceAll("x");
        if (stripped.indexOf('{') >= 0 || stripped.indexOf('}') >= 0) {
            throw new InvalidInputException("Key template '" + shown(template) + "' has an unbalanced or invalid "
                    + "placeholder; placeholders look like {database} and use letters, digits, '_', '.', '-'");
        }
        String problem = ObjectKey.problem(stripped);
        if (problem != null) {
            throw new InvalidInputException("Key template '" + shown(template) + "' cannot produce a valid key: " + problem
                    + ". Use a relative path such as " + DEFAULT);
        }
        List<String> names = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            names.add(m.group(1));
        }
        if (!names.contains("timestamp") && !names.contains("id")) {
            throw new InvalidInputException("Key template '" + shown(template) + "' contains neither {timestamp} nor {id}, "
                    + "so every backup would get the same key; add one of them, e.g. " + DEFAULT);
        }
        return new KeyTemplate(template, List.copyOf(names));
    }

    /**
     * The template text.
     *
     * @return the text
     */
    public String template() {
        return template;
    }

    /**
     * Names of the placeholders that are not built in, i.e. the labels this template needs.
     *
     * @return label names
     */
    public Set<String> labelNames() {
        Set<String> names = new LinkedHashSet<>();
        for (String name : placeholders) {
            if (!BUILT_IN.contains(name)) {
                names.add(name);
            }
        }
        return names;
    }

    /**
     * Checks that every label placeholder has a value.
     *
     * @param labels the labels
     * @throws InvalidInputException naming the missing labels
     */
    public void requireLabels(Map<String, String> labels) {
        List<String> missing = new ArrayList<>();
        for (String name : labelNames()) {
            if (!labels.containsKey(name)) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new InvalidInputException("Key template '" + shown(template) + "' uses " + missing
                    + " but no label of that name was given; add the label (e.g. label(\"" + missing.get(0)
                    + "\", \"prod\")) or remove the placeholder. Built-in placeholders: " + new java.util.TreeSet<>(BUILT_IN));
        }
    }

    /**
     * The part of every key before the first placeholder, cut after the last {@code /}: the
     * prefix under which backups of this template are listed.
     *
     * @return the listing prefix, possibly empty
     */
    public String listingPrefix() {
        int brace = template.indexOf('{');
        String literal = brace < 0 ? template : template.substring(0, brace);
        int slash = literal.lastIndexOf('/');
        return slash < 0 ? "" : literal.substring(0, slash + 1);
    }

    /**
     * A pattern matching every key this template can produce for a database (used to recognise
     * leftover data objects); {@code database} {@code null} matches any database.
     *
     * @param database the database, or {@code null}
     * @return the pattern
     */
    public Pattern keyPattern(String database) {
        StringBuilder regex = new StringBuilder();
        Matcher m = PLACEHOLDER.matcher(template);
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(template.substring(last, m.start())));
            String name = m.group(1);
            if (name.equals("database") && database != null) {
                regex.append(Pattern.quote(database));
            } else if (name.equals("ext")) {
                regex.append("[^/]+");
            } else {
                regex.append("[^/]*");
            }
            last = m.end();
        }
        regex.append(Pattern.quote(template.substring(last)));
        return Pattern.compile(regex.toString());
    }

    /**
     * Builds a key.
     *
     * @param id       the backup id
     * @param database the database
     * @param time     the backup start time
     * @param engine   the source type
     * @param ext      the extension (source extension plus transformer extensions, no leading dot)
     * @param labels   labels for label placeholders
     * @return the key
     * @throws InvalidInputException when a value would make an unsafe key
     */
    public ObjectKey render(String id, String database, Instant time, String engine, String ext,
                            Map<String, String> labels) {
        ZonedDateTime utc = time.atZone(ZoneOffset.UTC);
        StringBuilder sb = new StringBuilder();
        Matcher m = PLACEHOLDER.matcher(template);
        int last = 0;
        while (m.find()) {
            sb.append(template, last, m.start());
            String name = m.group(1);
            String value = switch (name) {
                case "database" -> database;
                case "timestamp" -> TIMESTAMP.format(time);
                case "id" -> id;
                case "yyyy" -> String.format("%04d", utc.getYear());
                case "MM" -> String.format("%02d", utc.getMonthValue());
                case "dd" -> String.format("%02d", utc.getDayOfMonth());
                case "HH" -> String.format("%02d", utc.getHour());
                case "mm" -> String.format("%02d", utc.getMinute());
                case "ss" -> String.format("%02d", utc.getSecond());
                case "engine" -> engine;
                case "ext" -> ext;
                default -> labels.get(name);
            };
            if (value == null) {
                throw new InvalidInputException("Key template '" + shown(template) + "' uses {" + name
                        + "} but no label of that name was given");
            }
            checkValue(name, value);
            sb.append(value);
            last = m.end();
        }
        sb.append(template.substring(last));
        return ObjectKey.of(sb.toString());
    }

    private void checkValue(String name, String value) {
        if (value.isEmpty() || value.contains("/") || value.contains("\\") || value.equals(".")
                || value.equals("..") || value.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidInputException("Value of {" + name + "} in key template '" + shown(template)
                    + "' is not usable in a key (it is empty, contains '/', '\\' or a control character, "
                    + "or is '.'/'..'); choose another value");
        }
    }

    /** The template as messages show it: control characters escaped, at most 200 characters. */
    private static String shown(String template) {
        StringBuilder sb = new StringBuilder();
        template.codePoints().limit(200).forEach(cp -> sb.append(Character.isISOControl(cp)
                ? String.format("\\u%04x", cp) : new String(Character.toChars(cp))));
        return template.codePointCount(0, template.length()) > 200 ? sb + "..." : sb.toString();
    }

    @Override
    public String toString() {
        return template;
    }
}
