package io.github.neo4jbackup.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command given as one string ({@code --admin-command "docker exec neo4j neo4j-admin"})
 * into an argument vector, the way a POSIX shell splits words, without running a shell: no
 * variables, globs, pipes or redirections. White space separates words; single quotes keep
 * everything literally; double quotes keep white space and honour {@code \"} and {@code \\};
 * outside quotes a backslash escapes the next character. {@code ''} and {@code ""} make an empty word.
 */
public final class ArgvTokenizer {

    private ArgvTokenizer() {
    }

    /**
     * Splits a command line into words.
     *
     * @param command the command text
     * @return the words (never empty)
     * @throws CliException (usage) when a quote is not closed, the text ends with a lone backslash,
     *                      or there are no words
     */
    public static List<String> split(String command) {
        if (command == null) {
            throw CliException.usage("The command is missing: give it as one quoted argument, e.g. \"docker stop neo4j\"");
        }
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int i = 0;
        int n = command.length();
        while (i < n) {
            char c = command.charAt(i);
            if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                i++;
            } else if (c == '\'') {
                int end = command.indexOf('\'', i + 1);
                if (end < 0) {
                    throw unclosed(command, '\'');
                }
                word.append(command, i + 1, end);
                inWord = true;
                i = end + 1;
            } else if (c == '"') {
                i++;
                boolean closed = false;
                while (i < n) {
                    char d = command.charAt(i);
                    if (d == '"') {
                        closed = true;
                        i++;
                        break;
                    }
                    if (d == '\\' && i + 1 < n && (command.charAt(i + 1) == '"' || command.charAt(i + 1) == '\\')) {
                        word.append(command.charAt(i + 1));
                        i += 2;
                    } else {
                        word.append(d);
                        i++;
                    }
                }
                if (!closed) {
                    throw unclosed(command, '"');
                }
                inWord = true;
            } else if (c == '\\') {
                if (i + 1 >= n) {
                    throw CliException.usage("The command '" + command + "' ends with a lone backslash: remove it or"
                            + " escape it as \\\\");
                }
                word.append(command.charAt(i + 1));
                inWord = true;
                i += 2;
            } else {
                word.append(c);
                inWord = true;
                i++;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        if (words.isEmpty()) {
            throw CliException.usage("The command is empty: give the program and its arguments, e.g. \"docker stop neo4j\"");
        }
        return List.copyOf(words);
    }

    private static CliException unclosed(String command, char quote) {
        return CliException.usage("The command '" + command + "' has an unclosed " + quote + " quote: close it "
                + "(the command is split into words like a shell would, but never run through one)");
    }
}
