package io.github.neo4jbackup.export.cypher.driver;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DecimalTextTest {

    /** The number syntax the format's reader accepts for a float: digits, a fraction, an optional exponent. */
    private static final Pattern FLOAT_SYNTAX = Pattern.compile("-?[0-9]+\\.[0-9]+(E-?[0-9]+)?");

    /** Doubles that stress the codecs: signed zeros, extremes, subnormals, powers of ten, ties, embeddings. */
    private static List<Double> doubles() {
        List<Double> values = new ArrayList<>(List.of(0.0, -0.0, 1.0, -1.0, 0.1, 0.2, 0.3, 1.0 / 3, 2.0E-3, 1.0E23,
                9.007199254740993E15, 4.35, 1.0E-5, 1.0E7, 9999999.999999998, Double.MIN_VALUE, -Double.MIN_VALUE,
                Double.MIN_NORMAL, Math.nextDown(Double.MIN_NORMAL), Double.MAX_VALUE, -Double.MAX_VALUE,
                Math.PI, Math.E, 123456789012345680.0, 5.0E-324, 1.7976931348623157E308, 2.2250738585072014E-308));
        for (int e = -323; e <= 308; e++) {
            values.add(Double.parseDouble("1e" + e));
            if (e < 308) {
                values.add(Double.parseDouble("9.999999999999999e" + e));
            }
        }
        values.add(Double.parseDouble("1e-325")); // rounds to 0.0
        Random random = new Random(20261207L);
        for (int i = 0; i < 200_000; i++) {
            long bits = random.nextLong();
            double d = Double.longBitsToDouble(bits);
            if (Double.isFinite(d)) {
                values.add(d);
            }
            values.add(random.nextGaussian() * 0.05); // embedding-like
            values.add((double) (float) (random.nextDouble() * 2 - 1)); // float32 widened
        }
        return values;
    }

    @Test
    void everyDoubleIsWrittenShortestAndReadsBackToTheSameBits() {
        for (double d : doubles()) {
            StringBuilder sb = new StringBuilder();
            DecimalText.append(sb, d);
            String text = sb.toString();
            assertThat(text).as("%s", d).matches(FLOAT_SYNTAX);
            long bits = Double.doubleToRawLongBits(d);
            assertThat(Double.doubleToRawLongBits(DecimalText.parseDouble(text))).as(text).isEqualTo(bits);
            // what any reader that uses the JDK's parser (earlier versions of this one) reads: the same bits
            assertThat(Double.doubleToRawLongBits(Double.parseDouble(text))).as(text).isEqualTo(bits);
            // never longer than what Java 17 writes
            assertThat(text.length()).as(text).isLessThanOrEqualTo(Double.toString(d).length());
        }
    }

    @Test
    void backupsWrittenWithTheJdkFormatterReadBackToTheSameBits() {
        for (double d : doubles()) {
            String jdk = Double.toString(d);
            assertThat(Double.doubleToRawLongBits(DecimalText.parseDouble(jdk))).as(jdk)
                    .isEqualTo(Double.doubleToRawLongBits(d));
        }
    }

    @Test
    void tokensInEveryJsonSpellingParseLikeTheJdk() {
        for (String token : List.of("0", "-0", "1", "-1", "0.5", "1e3", "1E3", "1e+3", "1E-3", "-2.5e-10",
                "123456789012345678901234567890", "0.000000000000000000000000000001", "1e400", "-1e400", "1e-400",
                "2.4703282292062327e-324", "2.4703282292062328e-324", "1.00000000000000011102230246251565404236316680908203125",
                "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207"
                        + "096330286416692887910946304751800843454375315432689154148962813457305806950416163614016010240")) {
            assertThat(Double.doubleToRawLongBits(DecimalText.parseDouble(token))).as(token)
                    .isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(token)));
            assertThat(Float.floatToRawIntBits(DecimalText.parseFloat(token))).as(token)
                    .isEqualTo(Float.floatToRawIntBits(Float.parseFloat(token)));
        }
    }

    @Test
    void everyFloatIsWrittenShortestAndReadsBackToTheSameBits() {
        Random random = new Random(7L);
        List<Float> values = new ArrayList<>(List.of(0.0f, -0.0f, 1.0f, 0.1f, Float.MIN_VALUE, Float.MIN_NORMAL,
                Float.MAX_VALUE, -Float.MAX_VALUE, 1.0E-10f, 3.4028235E38f, 1.17549435E-38f, 8.0E-45f));
        for (int i = 0; i < 300_000; i++) {
            float f = Float.intBitsToFloat(random.nextInt());
            if (Float.isFinite(f)) {
                values.add(f);
            }
            values.add((float) (random.nextGaussian() * 0.05));
        }
        for (float f : values) {
            StringBuilder sb = new StringBuilder();
            DecimalText.append(sb, f);
            String text = sb.toString();
            assertThat(text).as("%s", f).matches(FLOAT_SYNTAX);
            int bits = Float.floatToRawIntBits(f);
            assertThat(Float.floatToRawIntBits(DecimalText.parseFloat(text))).as(text).isEqualTo(bits);
            assertThat(Float.floatToRawIntBits(Float.parseFloat(text))).as(text).isEqualTo(bits);
            assertThat(Float.floatToRawIntBits(DecimalText.parseFloat(Float.toString(f)))).as("%s", f).isEqualTo(bits);
            assertThat(text.length()).as(text).isLessThanOrEqualTo(Float.toString(f).length());
        }
    }

    @Test
    void aTokenThatIsNotANumberIsRefused() {
        assertThatThrownBy(() -> DecimalText.parseDouble("1.2.3")).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> DecimalText.parseFloat("")).isInstanceOf(NumberFormatException.class);
    }
}
