package io.github.neo4jbackup.core;

import java.util.List;
import java.util.Map;

/**
 * The limits on labels and metadata (both are stored in every manifest) and the checks the
 * builder of {@link BackupPipeline} applies. Not API.
 */
final class LabelLimits {

    private LabelLimits() {
    }

    static void checkLabelName(String name) {
        if (name.length() > BackupPipeline.MAX_LABEL_NAME_CHARS || !name.matches("[A-Za-z0-9_.-]+")) {
            throw new InvalidInputException("Invalid label name '" + shown(name) + "': use 1 to "
                    + BackupPipeline.MAX_LABEL_NAME_CHARS + " letters, digits, '_', '.' and '-'");
        }
    }

    static void checkSize(String what, String name, String value) {
        if (name.length() > BackupPipeline.MAX_LABEL_NAME_CHARS) {
            throw new InvalidInputException("The " + what + " name '" + shown(name) + "' has " + name.length()
                    + " characters; a name may have at most " + BackupPipeline.MAX_LABEL_NAME_CHARS);
        }
        if (value.length() > BackupPipeline.MAX_LABEL_VALUE_CHARS) {
            throw new InvalidInputException("The value of " + what + " '" + shown(name) + "' has " + value.length()
                    + " characters; a " + what + " value may have at most " + BackupPipeline.MAX_LABEL_VALUE_CHARS
                    + " (it is stored in every manifest): keep large data in the database, not in the manifest");
        }
    }

    static void checkTotal(Map<String, String> labels, Map<String, String> metadata) {
        long total = 0;
        for (Map<String, String> map : List.of(labels, metadata)) {
            for (Map.Entry<String, String> e : map.entrySet()) {
                total += e.getKey().length() + e.getValue().length();
            }
        }
        if (total > BackupPipeline.MAX_LABELS_TOTAL_CHARS) {
            throw new InvalidInputException("Labels and metadata hold " + total + " characters together; at most "
                    + BackupPipeline.MAX_LABELS_TOTAL_CHARS + " fit (they are stored in every manifest): use fewer or "
                    + "shorter ones");
        }
    }

    private static String shown(String text) {
        StringBuilder sb = new StringBuilder();
        text.codePoints().limit(60).forEach(cp -> sb.append(Character.isISOControl(cp)
                ? String.format("\\u%04x", cp) : new String(Character.toChars(cp))));
        return text.codePointCount(0, text.length()) > 60 ? sb + "..." : sb.toString();
    }
}
