package io.github.neo4jbackup.export.cypher.apoc;

import io.github.neo4jbackup.export.cypher.CypherNames;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Repairs APOC's quoting of names that contain a backtick, chunk by chunk, and tracks the lexical state
 * (inside a string, a quoted name, a comment) across chunks.
 *
 * <p>APOC 5.26 writes such a name as {@code `a`b`} instead of {@code `a``b`}, which makes the script
 * invalid (and would mislead any Cypher-aware splitter). Knowing the affected names from
 * {@code db.labels()}, {@code db.relationshipTypes()} and {@code db.propertyKeys()}, the broken form
 * is replaced by the correct one wherever it starts a quoted name outside string literals and
 * comments. A broken name is assumed not to straddle two chunks (APOC's rows end between statements).
 */
final class IdentifierRepair {

    private record Name(String broken, String quoted) {
    }

    private enum State { CODE, SINGLE, DOUBLE, BACKTICK, LINE_COMMENT, BLOCK_COMMENT }

    private final List<Name> names;
    private State state = State.CODE;
    private boolean escaped;
    private char previous;
    private long repairs;

    private IdentifierRepair(List<Name> names) {
        this.names = names;
    }

    /**
     * A repair for the given names; only those containing a backtick matter.
     *
     * @param allNames labels, relationship types and property keys of the database
     * @return the repair
     */
    static IdentifierRepair forNames(Collection<String> allNames) {
        return new IdentifierRepair(allNames.stream().filter(n -> n.indexOf('`') >= 0).distinct()
                .sorted(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()))
                .map(n -> new Name("`" + n + "`", CypherNames.quote(n))).toList());
    }

    /** Names that need repair, for the manifest. */
    int affectedNames() {
        return names.size();
    }

    /** How many broken names were replaced so far. */
    long repairs() {
        return repairs;
    }

    /** Whether the text seen so far ends outside strings, quoted names and block comments. */
    boolean atTopLevel() {
        return state == State.CODE || state == State.LINE_COMMENT;
    }

    /**
     * Repairs one chunk.
     *
     * @param chunk the next chunk of the script
     * @return the repaired chunk (the same instance when nothing changed)
     */
    String apply(String chunk) {
        StringBuilder out = null;
        int copied = 0;
        int n = chunk.length();
        for (int i = 0; i < n; i++) {
            char c = chunk.charAt(i);
            switch (state) {
                case CODE -> {
                    if (c == '`') {
                        Name match = names.isEmpty() ? null : match(chunk, i);
                        if (match != null) {
                            if (out == null) {
                                out = new StringBuilder(n + 16);
                            }
                            out.append(chunk, copied, i).append(match.quoted());
                            i += match.broken().length() - 1;
                            copied = i + 1;
                            repairs++;
                            c = 0;
                        } else {
                            state = State.BACKTICK;
                        }
                    } else if (c == '\'') {
                        state = State.SINGLE;
                    } else if (c == '"') {
                        state = State.DOUBLE;
                    } else if (c == '/' && previous == '/') {
                        state = State.LINE_COMMENT;
                    } else if (c == '*' && previous == '/') {
                        state = State.BLOCK_COMMENT;
                        c = 0;
                    }
                }
                case SINGLE, DOUBLE -> {
                    if (escaped) {
                        escaped = false;
                    } else if (c == '\\') {
                        escaped = true;
                    } else if (c == (state == State.SINGLE ? '\'' : '"')) {
                        state = State.CODE;
                        c = 0;
                    }
                }
                case BACKTICK -> {
                    if (c == '`') {
                        state = State.CODE;
                        c = 0;
                    }
                }
                case LINE_COMMENT -> {
                    if (c == '\n') {
                        state = State.CODE;
                    }
                }
                case BLOCK_COMMENT -> {
                    if (c == '/' && previous == '*') {
                        state = State.CODE;
                        c = 0;
                    }
                }
                default -> throw new IllegalStateException(state.name());
            }
            previous = c;
        }
        if (out == null) {
            return chunk;
        }
        return out.append(chunk, copied, n).toString();
    }

    private Name match(String chunk, int at) {
        for (Name name : names) {
            if (chunk.startsWith(name.broken(), at)) {
                return name;
            }
        }
        return null;
    }
}
