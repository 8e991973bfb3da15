package io.github.neo4jbackup.export.cypher.driver;

import com.fasterxml.jackson.core.io.NumberInput;
import com.fasterxml.jackson.core.io.NumberOutput;

/**
 * Decimal text of floating-point values in the backup format, in both directions, through
 * jackson-core's number codecs (already on the class path with {@code backup-core}).
 *
 * <ul>
 *   <li>Writing: the Schubfach algorithm, the shortest decimal that parses back to exactly the same
 *       value, in the syntax of {@link Double#toString(double)} (always a {@code '.'}, an exponent as
 *       {@code E}): what the format has always written, and what Java 19 and later write themselves.
 *       Java 17's own {@code Double.toString} sometimes writes a digit more and is several times slower
 *       on the long lists of embeddings.</li>
 *   <li>Reading: FastDoubleParser, correctly rounded like {@link Double#parseDouble(String)}, so every
 *       token gives the same bits as before (a backup written by any version reads back the same), in
 *       a fraction of the time.</li>
 * </ul>
 * Only finite values go through here; the format writes the others as tagged strings.
 */
final class DecimalText {

    private DecimalText() {
    }

    /** Appends a finite double: the shortest decimal that round-trips, with a '.' or an exponent. */
    static void append(StringBuilder sb, double d) {
        sb.append(NumberOutput.toString(d, true));
    }

    /** Appends a finite float: the shortest decimal that round-trips as a 32-bit float. */
    static void append(StringBuilder sb, float f) {
        sb.append(NumberOutput.toString(f, true));
    }

    /**
     * Parses a JSON number token as a double, correctly rounded.
     *
     * @throws NumberFormatException when the token is not a number
     */
    static double parseDouble(String token) {
        return NumberInput.parseDouble(token, true);
    }

    /**
     * Parses a JSON number token as a 32-bit float, correctly rounded (not through a double).
     *
     * @throws NumberFormatException when the token is not a number
     */
    static float parseFloat(String token) {
        return NumberInput.parseFloat(token, true);
    }
}
