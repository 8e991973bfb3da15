package io.github.neo4jbackup.export.cypher.schema;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads back the DDL that {@link IndexDefinition#toCypher()} and {@link ConstraintDefinition#toCypher()}
 * write, so a restore can look at a backup's schema before it writes anything (translate options
 * for the target server, refuse what the target cannot hold, compare what the target created).
 *
 * <p>Only those generated forms are understood (names always in backticks, options as
 * {@code OPTIONS {indexConfig: {...}}} with string, boolean, number and list values); anything else
 * gives an empty result, and the caller then runs the statement as it is.
 */
public final class SchemaStatements {

    private SchemaStatements() {
    }

    /**
     * Parses one generated statement.
     *
     * @param ddl the statement (a trailing semicolon and a leading {@code CYPHER 5} are allowed)
     * @return the definition, or empty when the text is not one of the generated forms
     */
    public static Optional<SchemaDefinition> parse(String ddl) {
        try {
            return Optional.of(new Parser(ddl).statement());
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }

    private enum Kind { WORD, NAME, STRING, NUMBER, PUNCT, END }

    private record Token(Kind kind, String text, int start) {
        boolean is(String word) {
            return (kind == Kind.WORD || kind == Kind.PUNCT) && text.equalsIgnoreCase(word);
        }
    }

    private static final class Parser {
        private final String src;
        private final List<Token> tokens = new ArrayList<>();
        private int pos;

        Parser(String ddl) {
            String s = ddl.strip();
            if (s.endsWith(";")) {
                s = s.substring(0, s.length() - 1).strip();
            }
            this.src = s;
            tokenize();
        }

        private void tokenize() {
            int i = 0;
            int n = src.length();
            while (i < n) {
                char c = src.charAt(i);
                if (Character.isWhitespace(c)) {
                    i++;
                } else if (c == '`') {
                    StringBuilder sb = new StringBuilder();
                    int start = i++;
                    while (true) {
                        char d = src.charAt(i++);
                        if (d == '`') {
                            if (i < n && src.charAt(i) == '`') {
                                sb.append('`');
                                i++;
                            } else {
                                break;
                            }
                        } else {
                            sb.append(d);
                        }
                    }
                    tokens.add(new Token(Kind.NAME, sb.toString(), start));
                } else if (c == '\'' || c == '"') {
                    StringBuilder sb = new StringBuilder();
                    int start = i++;
                    while (true) {
                        char d = src.charAt(i++);
                        if (d == c) {
                            break;
                        }
                        if (d == '\\') {
                            char e = src.charAt(i++);
                            switch (e) {
                                case 'n' -> sb.append('\n');
                                case 'r' -> sb.append('\r');
                                case 't' -> sb.append('\t');
                                case 'b' -> sb.append('\b');
                                case 'f' -> sb.append('\f');
                                case 'u' -> {
                                    sb.append((char) Integer.parseInt(src.substring(i, i + 4), 16));
                                    i += 4;
                                }
                                default -> sb.append(e);
                            }
                        } else {
                            sb.append(d);
                        }
                    }
                    tokens.add(new Token(Kind.STRING, sb.toString(), start));
                } else if (Character.isDigit(c) || (c == '-' && i + 1 < n && Character.isDigit(src.charAt(i + 1)))) {
                    int start = i++;
                    while (i < n && (Character.isLetterOrDigit(src.charAt(i)) || src.charAt(i) == '.'
                            || ((src.charAt(i) == '-' || src.charAt(i) == '+')
                            && (src.charAt(i - 1) == 'e' || src.charAt(i - 1) == 'E')))) {
                        i++;
                    }
                    tokens.add(new Token(Kind.NUMBER, src.substring(start, i), start));
                } else if (Character.isLetter(c) || c == '_') {
                    int start = i;
                    while (i < n && (Character.isLetterOrDigit(src.charAt(i)) || src.charAt(i) == '_')) {
                        i++;
                    }
                    tokens.add(new Token(Kind.WORD, src.substring(start, i), start));
                } else if (c == ':' && i + 1 < n && src.charAt(i + 1) == ':') {
                    tokens.add(new Token(Kind.PUNCT, "::", i));
                    i += 2;
                } else {
                    tokens.add(new Token(Kind.PUNCT, String.valueOf(c), i));
                    i++;
                }
            }
            tokens.add(new Token(Kind.END, "", n));
        }

        private Token peek() {
            return tokens.get(pos);
        }

        private Token next() {
            return tokens.get(pos++);
        }

        private void expect(String word) {
            Token t = next();
            if (!t.is(word)) {
                throw new IllegalArgumentException("expected " + word + " at " + t.start());
            }
        }

        private String name() {
            Token t = next();
            if (t.kind() != Kind.NAME) {
                throw new IllegalArgumentException("expected a quoted name at " + t.start());
            }
            return t.text();
        }

        SchemaDefinition statement() {
            if (peek().is("CYPHER")) {
                next();
                next();
            }
            expect("CREATE");
            boolean constraint = peek().is("CONSTRAINT");
            IndexKind kind = null;
            if (constraint) {
                next();
            } else {
                kind = IndexKind.valueOf(next().text().toUpperCase(Locale.ROOT));
                expect("INDEX");
            }
            String name = name();
            expect("IF");
            expect("NOT");
            expect("EXISTS");
            expect("FOR");
            EntityType entityType = EntityType.NODE;
            List<String> labels = new ArrayList<>();
            while (!peek().is("ON") && !peek().is("REQUIRE")) {
                Token t = next();
                if (t.kind() == Kind.END) {
                    throw new IllegalArgumentException("no ON or REQUIRE");
                }
                if (t.is("[")) {
                    entityType = EntityType.RELATIONSHIP;
                } else if (t.kind() == Kind.NAME) {
                    labels.add(t.text());
                }
            }
            boolean require = next().is("REQUIRE");
            List<String> properties = new ArrayList<>();
            while (!peek().is("IS") && !peek().is("OPTIONS") && peek().kind() != Kind.END) {
                Token t = next();
                if (t.kind() == Kind.NAME) {
                    properties.add(t.text());
                }
            }
            if (!constraint) {
                Map<String, Object> config = options();
                if (kind == IndexKind.LOOKUP) {
                    return IndexDefinition.lookup(name, entityType);
                }
                return new IndexDefinition(name, kind, entityType, labels, properties, null, config);
            }
            if (!require) {
                throw new IllegalArgumentException("constraint without REQUIRE");
            }
            expect("IS");
            ConstraintKind constraintKind;
            String propertyType = null;
            if (peek().is("UNIQUE")) {
                next();
                constraintKind = ConstraintKind.UNIQUENESS;
            } else if (peek().is("NODE") || peek().is("RELATIONSHIP")) {
                next();
                expect("KEY");
                constraintKind = ConstraintKind.KEY;
            } else if (peek().is("NOT")) {
                next();
                expect("NULL");
                constraintKind = ConstraintKind.EXISTENCE;
            } else if (peek().is("::")) {
                int from = next().start() + 2;
                while (!peek().is("OPTIONS") && peek().kind() != Kind.END) {
                    next();
                }
                propertyType = src.substring(from, peek().start()).strip();
                constraintKind = ConstraintKind.PROPERTY_TYPE;
            } else {
                throw new IllegalArgumentException("unknown constraint form at " + peek().start());
            }
            Map<String, Object> config = options();
            return new ConstraintDefinition(name, constraintKind, entityType, labels, properties, propertyType, null,
                    config);
        }

        /** {@code OPTIONS {indexConfig: {...}}} or nothing; then the end. */
        @SuppressWarnings("unchecked")
        private Map<String, Object> options() {
            Map<String, Object> config = Map.of();
            if (peek().is("OPTIONS")) {
                next();
                Object options = value();
                if (!(options instanceof Map<?, ?> m) || !m.keySet().stream().allMatch("indexConfig"::equals)) {
                    throw new IllegalArgumentException("options other than indexConfig");
                }
                Object c = m.get("indexConfig");
                config = c == null ? Map.of() : (Map<String, Object>) c;
            }
            if (peek().kind() != Kind.END) {
                throw new IllegalArgumentException("unexpected text at " + peek().start());
            }
            return config;
        }

        private Object value() {
            Token t = next();
            switch (t.kind()) {
                case STRING:
                    return t.text();
                case NUMBER:
                    String x = t.text();
                    if (x.contains(".") || x.contains("e") || x.contains("E")) {
                        return Double.parseDouble(x);
                    }
                    return Long.parseLong(x);
                case WORD:
                    return switch (t.text().toUpperCase(Locale.ROOT)) {
                        case "TRUE" -> Boolean.TRUE;
                        case "FALSE" -> Boolean.FALSE;
                        case "NAN" -> Double.NaN;
                        case "INFINITY" -> Double.POSITIVE_INFINITY;
                        default -> throw new IllegalArgumentException("unexpected word " + t.text());
                    };
                case PUNCT:
                    if (t.is("-") && peek().is("Infinity")) {
                        next();
                        return Double.NEGATIVE_INFINITY;
                    }
                    if (t.is("[")) {
                        List<Object> list = new ArrayList<>();
                        while (!peek().is("]")) {
                            list.add(value());
                            if (peek().is(",")) {
                                next();
                            }
                        }
                        next();
                        return list;
                    }
                    if (t.is("{")) {
                        Map<String, Object> map = new LinkedHashMap<>();
                        while (!peek().is("}")) {
                            Token key = next();
                            if (key.kind() != Kind.NAME && key.kind() != Kind.WORD) {
                                throw new IllegalArgumentException("expected a key at " + key.start());
                            }
                            expect(":");
                            map.put(key.text(), value());
                            if (peek().is(",")) {
                                next();
                            }
                        }
                        next();
                        return map;
                    }
                    throw new IllegalArgumentException("unexpected " + t.text() + " at " + t.start());
                default:
                    throw new IllegalArgumentException("unexpected end");
            }
        }
    }
}
