package io.github.neo4jbackup.core.transform;

import io.github.neo4jbackup.core.InvalidInputException;

import java.util.Map;

/** Reads parameters recorded in a manifest: missing means the default, malformed is an error. */
final class RecordedParameters {

    private static final int MAX_SHOWN = 40;

    private RecordedParameters() {
    }

    /**
     * Reads an integer parameter.
     *
     * @param transformer  the transformer id, for the message
     * @param parameters   the recorded parameters, may be {@code null}
     * @param name         the parameter name
     * @param defaultValue the value when the parameter is missing
     * @return the value
     * @throws InvalidInputException if the recorded value is not an integer
     */
    static int integer(String transformer, Map<String, String> parameters, String name, int defaultValue) {
        String value = parameters == null ? null : parameters.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new InvalidInputException("Invalid value '" + shown(value) + "' of parameter '" + name
                    + "' recorded for transformer '" + transformer + "' in the manifest: expected an integer. "
                    + "The manifest is damaged or was written by an incompatible version; restore another backup.", e);
        }
    }

    /**
     * A recorded text made safe for a message: control characters escaped, length capped.
     *
     * @param value the text
     * @return the printable text
     */
    static String shown(String value) {
        StringBuilder sb = new StringBuilder();
        int n = Math.min(value.length(), MAX_SHOWN);
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (value.length() > n) {
            sb.append("...");
        }
        return sb.toString();
    }
}
