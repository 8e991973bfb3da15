package io.github.neo4jbackup.cli.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.PrintStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The service's own log: one line per event (service start and stop, run start and end, skipped
 * runs, waiting for Neo4j) on standard output, as JSON objects or as {@code key=value} text, so a
 * log shipper can parse them. Every line has {@code ts} (ISO-8601 UTC) and {@code event}. Callers
 * never pass secrets: URIs are redacted before they get here. Thread-safe (one line per call).
 */
public final class RunLog {

    /** The line formats. */
    public enum Format {
        /** One JSON object per line. */
        JSON,
        /** {@code ts event key=value ...}, values with spaces quoted. */
        TEXT
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final PrintStream out;
    private final Format format;
    private final Clock clock;

    /**
     * Creates the log.
     *
     * @param out    where lines go (standard output)
     * @param format the line format
     * @param clock  the clock for timestamps
     */
    public RunLog(PrintStream out, Format format, Clock clock) {
        this.out = Objects.requireNonNull(out, "out");
        this.format = Objects.requireNonNull(format, "format");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Writes one line.
     *
     * @param event  the event name ({@code run.started}, {@code run.finished}, ...)
     * @param fields the facts, in order; {@code null} values are left out
     */
    public void event(String event, Map<String, ?> fields) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("ts", clock.instant().toString());
        line.put("event", event);
        fields.forEach((k, v) -> {
            if (v != null) {
                line.put(k, v);
            }
        });
        String text = format == Format.JSON ? json(line) : text(line);
        synchronized (out) {
            out.println(text);
            out.flush();
        }
    }

    /**
     * Convenience for a line with alternating names and values.
     *
     * @param event         the event
     * @param namesAndValues name, value, name, value, ...
     */
    public void event(String event, Object... namesAndValues) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            fields.put(String.valueOf(namesAndValues[i]), namesAndValues[i + 1]);
        }
        event(event, fields);
    }

    private static String json(Map<String, Object> line) {
        try {
            return MAPPER.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            return "{\"event\":\"log.failed\",\"error\":" + quote(e.getOriginalMessage()) + "}";
        }
    }

    private static String text(Map<String, Object> line) {
        StringBuilder sb = new StringBuilder();
        sb.append(line.remove("ts")).append(' ').append(line.remove("event"));
        line.forEach((k, v) -> {
            String value = String.valueOf(v).replace('\n', ' ');
            sb.append(' ').append(k).append('=');
            sb.append(value.isEmpty() || value.chars().anyMatch(c -> c == ' ' || c == '"' || c == '=')
                    ? quote(value) : value);
        });
        return sb.toString();
    }

    private static String quote(String s) {
        return '"' + String.valueOf(s).replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /**
     * Parses a {@code --log-format} value.
     *
     * @param text {@code json} or {@code text}
     * @return the format
     * @throws IllegalArgumentException for any other value
     */
    public static Format format(String text) {
        try {
            return Format.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown log format '" + text + "': use json or text", e);
        }
    }
}
