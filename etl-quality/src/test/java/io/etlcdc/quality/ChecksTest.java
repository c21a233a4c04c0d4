package io.etlcdc.quality;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.etlcdc.quality.support.Rules.assertFails;
import static io.etlcdc.quality.support.Rules.assertPasses;
import static io.etlcdc.quality.support.Rules.failures;
import static io.etlcdc.quality.support.Rules.gate;
import static io.etlcdc.quality.support.Rules.rule;
import static org.assertj.core.api.Assertions.assertThat;

/** Each check on valid and invalid values, nulls, wrong types and boundaries (through the dry run). */
class ChecksTest {

    @Nested
    class NotNull {
        private final QualityRule rule = rule("email_present", "not_null", "email");

        @Test
        void passesAnyPresentValueIncludingEmptyAndFalse() {
            assertPasses(rule, "a@b.com", "", 0, false, List.of(), Map.of());
        }

        @Test
        void failsNull() {
            assertFails(rule, null, "is null or missing");
        }

        @Test
        void failsAMissingField() {
            QualityCheckResult result = gate(rule).check(QualityCheckRequest.of(List.of(Map.of("name", "x")), List.of()));
            assertThat(result.results().get(0).passed()).isFalse();
            assertThat(result.results().get(0).failures().get(0).value()).isNull();
            assertThat(result.results().get(0).failures().get(0).reason()).isEqualTo("is null or missing");
        }

        @Test
        void readsNestedFieldsByDottedPath() {
            QualityRule nested = rule("city", "not_null", "address.city");
            QualityCheckResult result = gate(nested).check(QualityCheckRequest.of(List.of(
                    Map.of("address", Map.of("city", "Kyoto")),
                    Map.of("address", Map.of("zip", "600")),
                    Map.of("address.city", "exact key wins")), List.of()));
            assertThat(result.results()).extracting(RecordResult::passed).containsExactly(true, false, true);
        }
    }

    @Nested
    class Type {
        @Test
        void letsNullsPassSoThatNotNullDecides() {
            assertPasses(rule("t", "type", "v", "type", "integer"), (Object) null);
        }

        @Test
        void string() {
            QualityRule r = rule("t", "type", "v", "type", "string");
            assertPasses(r, "x", "");
            assertFails(r, 1, "expected string, got Integer");
            assertFails(r, true, "got Boolean");
        }

        @Test
        void integer() {
            QualityRule r = rule("t", "type", "v", "type", "integer");
            assertPasses(r, 1, 1L, (short) 2, new BigInteger("123456789012345678901234567890"), new BigDecimal("5.00"), Long.MIN_VALUE);
            assertFails(r, 1.5, "expected integer, got Double");
            assertFails(r, 2.0, "expected integer, got Double");
            assertFails(r, new BigDecimal("5.01"), "got BigDecimal");
            assertFails(r, "42", "got String");
            assertFails(r, true, "got Boolean");
        }

        @Test
        void integerWithCoerceAcceptsDigitsInText() {
            QualityRule r = rule("t", "type", "v", "type", "integer", "coerce", true);
            assertPasses(r, "42", "-7", "+3", 9);
            assertFails(r, "4.2", "expected integer");
            assertFails(r, "", "expected integer");
            assertFails(r, "-", "expected integer");
        }

        @Test
        void number() {
            QualityRule r = rule("t", "type", "v", "type", "number");
            assertPasses(r, 1, 1.5, 2.5f, new BigDecimal("-0.01"), Long.MAX_VALUE);
            assertFails(r, Double.NaN, "expected a finite number");
            assertFails(r, Double.POSITIVE_INFINITY, "expected a finite number");
            assertFails(r, "1.5", "expected number, got String");
            assertFails(r, false, "got Boolean");
        }

        @Test
        void numberWithCoerce() {
            QualityRule r = rule("t", "type", "v", "type", "number", "coerce", "true");
            assertPasses(r, "1.5", "-3", "1e3");
            assertFails(r, "abc", "expected number");
        }

        @Test
        void booleanType() {
            QualityRule r = rule("t", "type", "v", "type", "boolean");
            assertPasses(r, true, false);
            assertFails(r, "true", "expected boolean, got String");
            assertFails(r, 1, "got Integer");
            QualityRule coerced = rule("t", "type", "v", "type", "boolean", "coerce", true);
            assertPasses(coerced, "TRUE", "false");
            assertFails(coerced, "yes", "expected boolean");
        }

        @Test
        void timestamp() {
            QualityRule r = rule("t", "type", "v", "type", "timestamp");
            assertPasses(r, Instant.parse("2024-01-31T10:00:00Z"), LocalDateTime.of(2024, 1, 31, 10, 0),
                    OffsetDateTime.of(2024, 1, 31, 10, 0, 0, 0, ZoneOffset.ofHours(9)), new java.util.Date(0L),
                    "2024-01-31T10:00:00Z", "2024-01-31 10:00:00.123456+01:00", "2024-01-31T10:00:00", "2024-01-31T10:00");
            assertFails(r, "2024-01-31", "expected an ISO-8601 timestamp");
            assertFails(r, "yesterday", "expected an ISO-8601 timestamp");
            assertFails(r, "2024-13-01T00:00:00Z", "expected an ISO-8601 timestamp");
            assertFails(r, "2024-01-31T25:00:00Z", "expected an ISO-8601 timestamp");
            assertFails(r, LocalDate.of(2024, 1, 31), "expected timestamp, got LocalDate");
            assertFails(r, 1706695200000L, "expected timestamp, got Long");
        }

        @Test
        void date() {
            QualityRule r = rule("t", "type", "v", "type", "date");
            assertPasses(r, LocalDate.of(2024, 2, 29), "2024-02-29", java.sql.Date.valueOf("2024-01-01"));
            assertFails(r, "2023-02-29", "expected an ISO-8601 date");
            assertFails(r, "2024-1-5", "expected an ISO-8601 date");
            assertFails(r, "2024-01-31T10:00:00Z", "expected an ISO-8601 date");
            assertFails(r, 20240131, "expected date, got Integer");
            assertFails(r, Instant.EPOCH, "expected date, got Instant");
        }

        @Test
        void email() {
            QualityRule r = rule("t", "type", "v", "type", "email");
            assertPasses(r, "a@b.co", "first.last+tag@sub.example.org", "o'neil@example.com", "x_y-z@a-b.example.jp");
            for (String bad : List.of("no-at-sign", "a@b", "a@@b.com", "@b.com", "a@b.c", "a b@c.com", "a@-b.com",
                    "a..b@c.com", ".a@c.com", "a@b.com.", "a@b..com", "a@b.c0m")) {
                assertFails(r, bad, "expected an e-mail address");
            }
            assertFails(r, 42, "expected email, got Integer");
        }

        @Test
        void uuid() {
            QualityRule r = rule("t", "type", "v", "type", "uuid");
            assertPasses(r, "123e4567-e89b-12d3-a456-426614174000", "123E4567-E89B-12D3-A456-426614174000", UUID.randomUUID());
            assertFails(r, "123e4567e89b12d3a456426614174000", "expected a UUID");
            assertFails(r, "123e4567-e89b-12d3-a456-42661417400g", "expected a UUID");
            assertFails(r, "123e4567-e89b-12d3-a456_426614174000", "expected a UUID");
            assertFails(r, 7, "expected uuid, got Integer");
        }

        @Test
        void json() {
            QualityRule r = rule("t", "type", "v", "type", "json");
            assertPasses(r, "{\"a\": 1}", "[1, 2, {\"b\": null}]", "42", "\"text\"", "null", Map.of("a", 1), List.of(1, 2));
            assertFails(r, "{a: 1}", "expected JSON text");
            assertFails(r, "{\"a\": 1} trailing", "expected JSON text");
            assertFails(r, "{\"a\": 1", "expected JSON text");
            assertFails(r, "", "expected JSON text");
            assertFails(r, 42, "expected json, got Integer");
        }
    }

    @Nested
    class Range {
        @Test
        void numbersInclusiveByDefault() {
            QualityRule r = rule("amount_range", "range", "amount", "min", 0, "max", 100);
            assertPasses(r, 0, 100, 50, 0.0, 100.0, new BigDecimal("100.00"), new BigInteger("99"), (byte) 1, null);
            assertFails(r, -1, "value -1 is less than 0 (minimum)");
            assertFails(r, 101, "value 101 is greater than 100 (maximum)");
            assertFails(r, 100.0001, "greater than 100");
            assertFails(r, new BigDecimal("-0.001"), "less than 0");
            assertFails(r, Long.MAX_VALUE, "greater than 100");
            assertFails(r, Double.NaN, "is not a number");
        }

        @Test
        void exclusiveExcludesBothBounds() {
            QualityRule r = rule("r", "range", "amount", "min", 0, "max", 100, "exclusive", true);
            assertPasses(r, 1, 99, 0.5, 99.999);
            assertFails(r, 0, "is not greater than 0 (exclusive minimum)");
            assertFails(r, 100, "is not less than 100 (exclusive maximum)");
            assertFails(r, 0.0, "exclusive minimum");
            assertFails(r, new BigDecimal("100.0"), "exclusive maximum");
        }

        @Test
        void oneBoundAlone() {
            QualityRule atLeast = rule("r", "range", "amount", "min", 10);
            assertPasses(atLeast, 10, Long.MAX_VALUE, 1e300);
            assertFails(atLeast, 9, "less than 10");
            QualityRule atMost = rule("r", "range", "amount", "max", 2.5);
            assertPasses(atMost, 2.5, 2, Long.MIN_VALUE);
            assertFails(atMost, 3, "greater than 2.5");
            assertFails(atMost, 2.5000001, "greater than 2.5");
        }

        @Test
        void textsAndListsByLength() {
            QualityRule r = rule("name_length", "range", "name", "min", 2, "max", 5);
            assertPasses(r, "ab", "abcde", List.of(1, 2));
            assertFails(r, "a", "length 1 is less than 2");
            assertFails(r, "abcdef", "length 6 is greater than 5");
            assertFails(r, "", "length 0");
            assertFails(r, List.of(1, 2, 3, 4, 5, 6), "length 6");
        }

        @Test
        void datesWhenTheBoundsAreDates() {
            QualityRule r = rule("birth", "range", "born", "min", "2024-01-01", "max", "2024-12-31");
            assertPasses(r, LocalDate.of(2024, 1, 1), "2024-06-01", LocalDateTime.of(2024, 12, 31, 23, 59),
                    "2024-12-31T23:59:59Z", Instant.parse("2024-03-01T00:00:00Z"));
            assertFails(r, "2025-01-01", "date 2025-01-01 is greater than 2024-12-31");
            assertFails(r, LocalDate.of(2023, 12, 31), "is less than 2024-01-01");
            assertFails(r, 5, "expected a date to compare with the range, got Integer");
            assertFails(r, "soon", "expected a date");
        }

        @Test
        void timestampsWhenTheBoundsAreTimestamps() {
            QualityRule r = rule("ts", "range", "at", "min", "2024-01-01T00:00:00Z", "max", "2024-01-02T00:00:00+09:00");
            assertPasses(r, Instant.parse("2024-01-01T00:00:00Z"), "2024-01-01T14:59:59Z", LocalDateTime.of(2024, 1, 1, 12, 0));
            assertFails(r, Instant.parse("2023-12-31T23:59:59Z"), "is less than 2024-01-01T00:00:00Z");
            assertFails(r, "2024-01-01T15:00:01Z", "is greater than 2024-01-01T15:00:00Z");
            assertFails(r, true, "expected a timestamp");
        }

        @Test
        void wrongTypesFail() {
            QualityRule r = rule("r", "range", "amount", "min", 0, "max", 10);
            assertFails(r, true, "expected a number, a text or a list to compare with the range, got Boolean");
        }
    }

    @Nested
    class PatternCheck {
        private final QualityRule email = rule("email_format", "pattern", "email", "regex", "^[^@]+@[^@]+\\.[a-z]+$");

        @Test
        void matchesTheIssuesExample() {
            assertPasses(email, "a@b.com", "first.last@example.org", null);
            assertFails(email, "not-an-email", "does not match the pattern ^[^@]+@[^@]+\\.[a-z]+$");
            assertFails(email, "a@b.COM", "does not match");
        }

        @Test
        void searchesUnlessAnchored() {
            QualityRule digit = rule("d", "pattern", "code", "regex", "\\d");
            assertPasses(digit, "a1b");
            assertFails(digit, "abc", "does not match");
        }

        @Test
        void ignoreCase() {
            QualityRule r = rule("r", "pattern", "code", "regex", "^[a-z]+$", "ignore_case", true);
            assertPasses(r, "ABC", "abc");
            assertFails(r, "ab1", "does not match");
        }

        @Test
        void nonTextFails() {
            assertFails(email, 42, "expected text to match against the pattern, got Integer");
        }
    }

    @Nested
    class AllowedValues {
        @Test
        void texts() {
            QualityRule r = rule("status", "allowed_values", "status", "values", List.of("active", "inactive"));
            assertPasses(r, "active", "inactive", null);
            assertFails(r, "deleted", "is not one of the allowed values [active, inactive]");
            assertFails(r, "ACTIVE", "is not one of");
            assertFails(r, 1, "is not one of");
        }

        @Test
        void textsIgnoringCase() {
            QualityRule r = rule("status", "allowed_values", "status", "values", List.of("Active"), "ignore_case", true);
            assertPasses(r, "ACTIVE", "active");
            assertFails(r, "passive", "is not one of");
        }

        @Test
        void numbersCompareByValue() {
            QualityRule r = rule("level", "allowed_values", "level", "values", List.of(1, 2, 3));
            assertPasses(r, 1, 2L, new BigDecimal("3.0"), 3.0, (short) 1, BigInteger.TWO);
            assertFails(r, 4, "is not one of the allowed values [1, 2, 3]");
            assertFails(r, "1", "is not one of");
            assertFails(r, 1.5, "is not one of");
        }

        @Test
        void fractionsAndHugeNumbers() {
            QualityRule r = rule("rate", "allowed_values", "rate", "values", List.of(0.5, 1.5, new BigInteger("123456789012345678901234567890")));
            assertPasses(r, 0.5, new BigDecimal("1.50"), 1.5f, new BigInteger("123456789012345678901234567890"),
                    new BigDecimal("123456789012345678901234567890.0"));
            assertFails(r, 1.0, "is not one of");
            assertFails(r, 1, "is not one of");
            assertFails(r, new BigInteger("123456789012345678901234567891"), "is not one of");
        }

        @Test
        void booleans() {
            QualityRule r = rule("flag", "allowed_values", "flag", "values", List.of(true));
            assertPasses(r, true);
            assertFails(r, false, "is not one of");
        }
    }

    @Nested
    class Unique {
        @Test
        void failsRepeatsWithinTheRecordsOfADryRun() {
            QualityRule r = rule("email_unique", "unique", "email");
            QualityCheckResult result = gate(r).check(QualityCheckRequest.of(List.of(
                    Map.of("email", "a@x.com"), Map.of("email", "b@x.com"), Map.of("email", "a@x.com"),
                    Map.of("other", 1), Map.of("other", 2)), List.of()));
            assertThat(result.results()).extracting(RecordResult::passed).containsExactly(true, true, false, true, true);
            assertThat(result.results().get(2).failures().get(0).reason()).contains("is not unique");
        }

        @Test
        void numbersOfDifferentTypesAreTheSameValue() {
            QualityRule r = rule("id_unique", "unique", "id");
            QualityCheckResult result = gate(r).check(QualityCheckRequest.of(List.of(
                    Map.of("id", 1), Map.of("id", 1L), Map.of("id", new BigDecimal("1.0")), Map.of("id", "1")), List.of()));
            assertThat(result.results()).extracting(RecordResult::passed).containsExactly(true, false, false, true);
        }
    }

    @Nested
    class Expression {
        @Test
        void passesWhenTrueAndFailsWhenFalse() {
            QualityRule r = rule("positive", "expression", "amount", "expression", "{{ amount > 0 }}");
            assertPasses(r, 5, 0.5, new BigDecimal("1"));
            assertFails(r, 0, "expression {{ amount > 0 }} is false");
            assertFails(r, -3, "is false");
        }

        @Test
        void anExpressionErrorFailsTheCheckWithTheError() {
            QualityRule r = rule("positive", "expression", "amount", "expression", "{{ amount > 0 }}");
            assertFails(r, null, "expression {{ amount > 0 }} failed: '>' not supported between None and number");
            assertFails(r, "text", "failed:");
        }

        @Test
        void needsNoField() {
            QualityRule r = QualityRule.of("active", null, null, "expression", Map.of("expression", "{{ status == 'active' }}"));
            QualityCheckResult result = gate(r).check(QualityCheckRequest.of(
                    List.of(Map.of("status", "active"), Map.of("status", "gone")), List.of()));
            assertThat(result.results()).extracting(RecordResult::passed).containsExactly(true, false);
            assertThat(result.results().get(1).failures().get(0).field()).isNull();
            assertThat(result.results().get(1).failures().get(0).value()).isNull();
        }
    }

    @Test
    void aFailureReportsTheValueAsGiven() {
        QualityRule r = rule("r", "range", "amount", "max", 10);
        assertThat(failures(r, new BigDecimal("10.50")).get(0).value()).isEqualTo(new BigDecimal("10.50"));
    }
}
