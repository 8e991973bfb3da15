package io.github.neo4jbackup.export.cypher;

import java.util.Locale;

/**
 * Pins the Cypher language of the queries this library sends. From Neo4j 2026.02 a new installation
 * (or a database created with {@code DEFAULT LANGUAGE CYPHER 25}) parses queries as Cypher 25 by
 * default, where some Cypher 5 syntax is gone ({@code OPTIONS {indexProvider: ...}}, the
 * importing {@code WITH} of {@code CALL} subqueries, ...) and {@code SHOW CONSTRAINTS} names some
 * types differently. Every query and every replayed statement is therefore prefixed with
 * {@code CYPHER 5}, which Neo4j 5.x (where it is the only version) and the calendar versions
 * (which keep Cypher 5 beside Cypher 25) both accept, so the same text behaves the same whatever
 * the server's or the database's default language.
 */
public final class CypherLanguage {

    /** The prefix that selects Cypher 5 for one query. */
    public static final String PREFIX = "CYPHER 5 ";

    private CypherLanguage() {
    }

    /**
     * The query with {@link #PREFIX}, unless it already names a Cypher version or pre-parser option
     * (starts with {@code CYPHER}), or is not a query (blank, or a client command such as
     * {@code :param}).
     *
     * @param query the query
     * @return the pinned query
     */
    public static String pin(String query) {
        String q = query.stripLeading();
        if (q.isEmpty() || q.startsWith(":") || q.regionMatches(true, 0, "CYPHER", 0, 6)
                && (q.length() == 6 || Character.isWhitespace(q.charAt(6)))) {
            return query;
        }
        return PREFIX + q;
    }

    /**
     * Removes a leading {@code CYPHER ...} version prefix written by {@link #pin(String)}.
     *
     * @param query a query
     * @return the query without {@link #PREFIX}
     */
    public static String unpin(String query) {
        String q = query.stripLeading();
        return q.toUpperCase(Locale.ROOT).startsWith(PREFIX) ? q.substring(PREFIX.length()) : query;
    }
}
