package io.github.neo4jbackup.core.retention;

import io.github.neo4jbackup.core.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetentionPolicyTest {

    @Test
    void buildsAnImmutablePolicyWithAccessors() {
        RetentionPolicy policy = RetentionPolicy.builder()
                .keepLast(3).keepWithin(Duration.ofDays(7)).keepDaily(7).keepWeekly(4).keepMonthly(12).keepYearly(5)
                .zone(ZoneId.of("Europe/Berlin"))
                .build();

        assertThat(policy.keepLast()).hasValue(3);
        assertThat(policy.keepWithin()).contains(Duration.ofDays(7));
        assertThat(policy.keepDaily()).hasValue(7);
        assertThat(policy.keepWeekly()).hasValue(4);
        assertThat(policy.keepMonthly()).hasValue(12);
        assertThat(policy.keepYearly()).hasValue(5);
        assertThat(policy.zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(policy.isEmpty()).isFalse();
    }

    @Test
    void unsetRulesAreEmptyAndTheZoneDefaultsToUtc() {
        RetentionPolicy policy = RetentionPolicy.builder().keepDaily(7).build();

        assertThat(policy.keepLast()).isEmpty();
        assertThat(policy.keepWithin()).isEmpty();
        assertThat(policy.keepWeekly()).isEmpty();
        assertThat(policy.keepMonthly()).isEmpty();
        assertThat(policy.keepYearly()).isEmpty();
        assertThat(policy.zone()).isEqualTo(ZoneOffset.UTC);
    }

    @Test
    void toStringListsTheSetRulesInAFixedOrder() {
        assertThat(RetentionPolicy.builder().keepDaily(7).keepLast(3).build())
                .hasToString("keep-last=3, keep-daily=7, zone=UTC");
        assertThat(RetentionPolicy.builder().keepYearly(2).keepWithin("36h").keepMonthly(1).keepWeekly(4)
                .zone(ZoneId.of("America/New_York")).build())
                .hasToString("keep-within=1d12h, keep-weekly=4, keep-monthly=1, keep-yearly=2, zone=America/New_York");
    }

    @Test
    void toBuilderDerivesAVariantWithoutChangingTheOriginal() {
        RetentionPolicy original = RetentionPolicy.builder().keepLast(3).keepDaily(7).build();

        RetentionPolicy variant = original.toBuilder().keepDaily(14).zone(ZoneId.of("Asia/Tokyo")).build();

        assertThat(original.keepDaily()).hasValue(7);
        assertThat(original.zone()).isEqualTo(ZoneOffset.UTC);
        assertThat(variant.keepLast()).hasValue(3);
        assertThat(variant.keepDaily()).hasValue(14);
        assertThat(variant.zone()).isEqualTo(ZoneId.of("Asia/Tokyo"));
        assertThat(original.toBuilder().build()).isEqualTo(original).hasSameHashCodeAs(original);
        assertThat(variant).isNotEqualTo(original);
    }

    @Test
    void builderTellsWhetherAnyRuleIsSet() {
        RetentionPolicy.Builder builder = RetentionPolicy.builder().zone(ZoneId.of("UTC"));
        assertThat(builder.isEmpty()).isTrue();
        assertThat(builder.keepWeekly(1).isEmpty()).isFalse();
    }

    @Test
    void refusesAnEmptyPolicy() {
        assertThatThrownBy(() -> RetentionPolicy.builder().build())
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("at least one keep rule")
                .hasMessageContaining("would delete every backup");
        assertThatThrownBy(() -> RetentionPolicy.builder().zone(ZoneId.of("Europe/Berlin")).build())
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("at least one keep rule");
    }

    @ParameterizedTest
    @CsvSource({
            "keep-last, 0", "keep-last, -1",
            "keep-daily, 0", "keep-daily, -7",
            "keep-weekly, 0", "keep-weekly, -2147483648",
            "keep-monthly, 0", "keep-monthly, -12",
            "keep-yearly, 0", "keep-yearly, -3",
    })
    void refusesCountsBelowOneNamingTheOption(String option, int value) {
        UnaryOperator<RetentionPolicy.Builder> set = switch (option) {
            case "keep-last" -> b -> b.keepLast(value);
            case "keep-daily" -> b -> b.keepDaily(value);
            case "keep-weekly" -> b -> b.keepWeekly(value);
            case "keep-monthly" -> b -> b.keepMonthly(value);
            case "keep-yearly" -> b -> b.keepYearly(value);
            default -> throw new IllegalArgumentException(option);
        };
        // alone, and next to a valid rule: an invalid count is never silently ignored
        assertThatThrownBy(() -> set.apply(RetentionPolicy.builder()).build())
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(option + " must be >= 1, but was " + value);
        assertThatThrownBy(() -> set.apply(RetentionPolicy.builder().keepWithin("7d")).build())
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(option + " must be >= 1, but was " + value);
    }

    @Test
    void reportsEveryInvalidOptionAtOnce() {
        assertThatThrownBy(() -> RetentionPolicy.builder().keepLast(0).keepYearly(-1).build())
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("keep-last must be >= 1, but was 0")
                .hasMessageContaining("keep-yearly must be >= 1, but was -1");
    }

    @Test
    void refusesZeroAndNegativeKeepWithin() {
        assertThatThrownBy(() -> RetentionPolicy.builder().keepWithin(Duration.ZERO).build())
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("keep-within must be a positive duration");
        assertThatThrownBy(() -> RetentionPolicy.builder().keepWithin(Duration.ofHours(-5)).keepLast(1).build())
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("keep-within must be a positive duration")
                .hasMessageContaining("PT-5H");
    }

    @Test
    void refusesNullArguments() {
        assertThatThrownBy(() -> RetentionPolicy.builder().zone(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> RetentionPolicy.builder().keepWithin((Duration) null))
                .isInstanceOf(NullPointerException.class);
    }

    @ParameterizedTest
    @CsvSource({
            "7d, PT168H",
            "36h, PT36H",
            "2w, PT336H",
            "1m, PT720H",
            "1y, PT8760H",
            "1y2m3d4h, PT10276H",
            "4h3d, PT76H",
            "' 7d ', PT168H",
            "0d1h, PT1H",
            "P7D, PT168H",
            "p7d, PT168H",
            "PT36H, PT36H",
            "PT90M, PT1H30M",
            "P1DT12H, PT36H",
            "P2W, PT336H",
            "P1Y2M3D, PT10272H",
            "P1Y2M3DT4H, PT10276H",
    })
    void parsesCompactAndIsoDurations(String text, String expected) {
        assertThat(RetentionPolicy.parseDuration(text)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''        | missing",
            "'   '     | missing",
            "7         | has no unit",
            "d         | expected a number at position 1",
            "7x        | unknown unit 'x'",
            "7D        | unknown unit 'D'",
            "30s       | unknown unit 's'",
            "1d2d      | appears more than once",
            "7 d       | unknown unit ' '",
            "1.5d      | unknown unit '.'",
            "-7d       | expected a number at position 1",
            "+7d       | expected a number at position 1",
            "0d        | must be greater than zero",
            "0h0d      | must be greater than zero",
            "PT0S      | must be greater than zero",
            "PT-5H     | must be greater than zero",
            "P         | not a valid ISO-8601 duration",
            "PT        | not a valid ISO-8601 duration",
            "P7X       | not a valid ISO-8601 duration",
            "PT36      | not a valid ISO-8601 duration",
            "99999999999999999999d | too large",
            "9223372036854775807y  | too large",
    })
    void refusesBadDurationsWithAUsefulMessage(String text, String problem) {
        assertThatThrownBy(() -> RetentionPolicy.parseDuration(text))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(problem)
                .hasMessageContaining("for example 7d");
    }

    @Test
    void refusesANullDurationText() {
        assertThatThrownBy(() -> RetentionPolicy.parseDuration(null))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("keep-within duration is missing");
        assertThatThrownBy(() -> RetentionPolicy.builder().keepWithin("soon"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("Invalid duration 'soon'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"7d", "1d12h", "5h", "365d", "PT1H30M", "PT0.5S", "P1DT0.001S"})
    void formattedDurationsParseBack(String text) {
        Duration duration = RetentionPolicy.parseDuration(text);
        String formatted = RetentionPolicy.formatDuration(duration);
        assertThat(RetentionPolicy.parseDuration(formatted)).isEqualTo(duration);
    }

    @Test
    void formatsWholeHoursAsDaysAndHours() {
        assertThat(RetentionPolicy.formatDuration(Duration.ofDays(7))).isEqualTo("7d");
        assertThat(RetentionPolicy.formatDuration(Duration.ofHours(36))).isEqualTo("1d12h");
        assertThat(RetentionPolicy.formatDuration(Duration.ofHours(5))).isEqualTo("5h");
        assertThat(RetentionPolicy.formatDuration(Duration.ofMinutes(90))).isEqualTo("PT1H30M");
    }
}
