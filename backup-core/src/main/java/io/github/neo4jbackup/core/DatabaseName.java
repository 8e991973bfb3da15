package io.github.neo4jbackup.core;

import java.util.regex.Pattern;

/**
 * Validation of Neo4j database names before they reach a key, a query or a process argument.
 * Accepted: 1 to 63 characters, starting with an ASCII letter, then ASCII letters, digits,
 * {@code .}, {@code -} or {@code _} (Neo4j's own rules are a subset of these).
 */
public final class DatabaseName {

    private static final Pattern VALID = Pattern.compile("[A-Za-z][A-Za-z0-9._-]{0,62}");

    private DatabaseName() {
    }

    /**
     * Returns the name if it is valid.
     *
     * @param name the database name
     * @return the same name
     * @throws InvalidInputException naming the problem
     */
    public static String validate(String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidInputException("The database name is empty; give the name of the database to back up, "
                    + "e.g. neo4j");
        }
        if (!VALID.matcher(name).matches() || name.endsWith(".") || name.contains("..")) {
            StringBuilder shown = new StringBuilder();
            name.codePoints().limit(80).forEach(cp -> shown.append(
                    cp < 0x20 || cp == 0x7f ? String.format("\\u%04x", cp) : new String(Character.toChars(cp))));
            throw new InvalidInputException("Invalid database name '" + shown + "': a name has 1 to 63 characters, "
                    + "starts with a letter and contains only ASCII letters, digits, '.', '-' and '_'");
        }
        return name;
    }
}
