package io.etlcdc.quality.internal;

import io.etlcdc.core.annotation.Internal;
import io.etlcdc.quality.CheckType;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.Map;

/**
 * Fails when the value is outside {@code [min, max]} ({@code (min, max)} when exclusive). With
 * numeric bounds numbers are compared by value and texts and collections by length; with date bounds
 * values are compared as dates; with timestamp bounds as instants. Either bound may be absent.
 */
@Internal
public final class RangeCheck extends Check {

    /** What the bounds are, which decides how values are compared. */
    public enum Kind { NUMBER, DATE, TIMESTAMP }

    private final Kind kind;
    private final boolean exclusive;
    // numeric bounds, held three ways so that the common value types compare without allocating
    private final BigDecimal minDecimal;
    private final BigDecimal maxDecimal;
    private final double minDouble;
    private final double maxDouble;
    private final boolean boundsFitLong;
    private final long minLong;
    private final long maxLong;
    private final LocalDate minDate;
    private final LocalDate maxDate;
    private final Instant minInstant;
    private final Instant maxInstant;
    private final String minText;
    private final String maxText;

    private RangeCheck(Kind kind, boolean exclusive, BigDecimal minDecimal, BigDecimal maxDecimal,
                       LocalDate minDate, LocalDate maxDate, Instant minInstant, Instant maxInstant,
                       String minText, String maxText) {
        super(CheckType.RANGE);
        this.kind = kind;
        this.exclusive = exclusive;
        this.minDecimal = minDecimal;
        this.maxDecimal = maxDecimal;
        this.minDouble = minDecimal == null ? Double.NEGATIVE_INFINITY : minDecimal.doubleValue();
        this.maxDouble = maxDecimal == null ? Double.POSITIVE_INFINITY : maxDecimal.doubleValue();
        this.boundsFitLong = fitsLong(minDecimal) && fitsLong(maxDecimal);
        this.minLong = minDecimal == null ? Long.MIN_VALUE : boundsFitLong ? minDecimal.longValueExact() : 0;
        this.maxLong = maxDecimal == null ? Long.MAX_VALUE : boundsFitLong ? maxDecimal.longValueExact() : 0;
        this.minDate = minDate;
        this.maxDate = maxDate;
        this.minInstant = minInstant;
        this.maxInstant = maxInstant;
        this.minText = minText;
        this.maxText = maxText;
    }

    public static RangeCheck numeric(BigDecimal min, BigDecimal max, boolean exclusive) {
        return new RangeCheck(Kind.NUMBER, exclusive, min, max, null, null, null, null,
                min == null ? null : min.toPlainString(), max == null ? null : max.toPlainString());
    }

    public static RangeCheck dates(LocalDate min, LocalDate max, boolean exclusive) {
        return new RangeCheck(Kind.DATE, exclusive, null, null, min, max, null, null,
                min == null ? null : min.toString(), max == null ? null : max.toString());
    }

    public static RangeCheck timestamps(Instant min, Instant max, boolean exclusive) {
        return new RangeCheck(Kind.TIMESTAMP, exclusive, null, null, null, null, min, max,
                min == null ? null : min.toString(), max == null ? null : max.toString());
    }

    private static boolean fitsLong(BigDecimal d) {
        if (d == null) {
            return true;
        }
        try {
            d.longValueExact();
            return true;
        } catch (ArithmeticException e) {
            return false;
        }
    }

    @Override
    public String test(Object value, Evaluation ctx) {
        return switch (kind) {
            case NUMBER -> testNumeric(value);
            case DATE -> testDate(value);
            case TIMESTAMP -> testInstant(value);
        };
    }

    private String testNumeric(Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            long v = ((Number) value).longValue();
            if (boundsFitLong) {
                return verdict("value", Long.compare(v, minLong), Long.compare(v, maxLong), value);
            }
            return verdictDouble("value", v, value);
        }
        if (value instanceof Double || value instanceof Float) {
            double v = ((Number) value).doubleValue();
            if (Double.isNaN(v)) {
                return "is not a number (NaN)";
            }
            return verdictDouble("value", v, value);
        }
        if (value instanceof BigDecimal || value instanceof BigInteger) {
            BigDecimal v = value instanceof BigDecimal d ? d : new BigDecimal((BigInteger) value);
            return verdict("value", minDecimal == null ? 1 : v.compareTo(minDecimal),
                    maxDecimal == null ? -1 : v.compareTo(maxDecimal), value);
        }
        if (value instanceof Number n) {
            return verdictDouble("value", n.doubleValue(), value);
        }
        if (value instanceof CharSequence s) {
            return verdictLength(s.length());
        }
        if (value instanceof Collection<?> c) {
            return verdictLength(c.size());
        }
        if (value instanceof Map<?, ?> m) {
            return verdictLength(m.size());
        }
        return "expected a number, a text or a list to compare with the range, got " + Values.typeName(value);
    }

    private String verdictLength(int length) {
        int vsMin = boundsFitLong ? Long.compare(length, minLong) : cmp(length, minDouble);
        int vsMax = boundsFitLong ? Long.compare(length, maxLong) : cmp(length, maxDouble);
        // boxing the length only for the message keeps the passing path free of allocation
        return within(vsMin, vsMax) ? null : verdict("length", vsMin, vsMax, length);
    }

    private boolean within(int vsMin, int vsMax) {
        return (minText == null || vsMin > 0 || (!exclusive && vsMin == 0))
                && (maxText == null || vsMax < 0 || (!exclusive && vsMax == 0));
    }

    private String verdictDouble(String what, double v, Object shown) {
        return verdict(what, cmp(v, minDouble), cmp(v, maxDouble), shown);
    }

    /** Numeric order in which -0.0 equals 0.0 (unlike {@link Double#compare}). */
    private static int cmp(double a, double b) {
        return a < b ? -1 : a > b ? 1 : 0;
    }

    private String testDate(Object value) {
        LocalDate v = Values.toLocalDate(value);
        if (v == null) {
            return "expected a date to compare with the range, got " + Values.typeName(value);
        }
        return verdict("date", minDate == null ? 1 : v.compareTo(minDate), maxDate == null ? -1 : v.compareTo(maxDate), v);
    }

    private String testInstant(Object value) {
        Instant v = Values.toInstant(value);
        if (v == null) {
            return "expected a timestamp to compare with the range, got " + Values.typeName(value);
        }
        return verdict("time", minInstant == null ? 1 : v.compareTo(minInstant),
                maxInstant == null ? -1 : v.compareTo(maxInstant), v);
    }

    /** Null when within the range; the comparisons are of the value with each bound (sign only). */
    private String verdict(String what, int vsMin, int vsMax, Object shown) {
        if (minText != null && (vsMin < 0 || (exclusive && vsMin == 0))) {
            return what + " " + shown + (exclusive ? " is not greater than " : " is less than ") + minText
                    + (exclusive ? " (exclusive minimum)" : " (minimum)");
        }
        if (maxText != null && (vsMax > 0 || (exclusive && vsMax == 0))) {
            return what + " " + shown + (exclusive ? " is not less than " : " is greater than ") + maxText
                    + (exclusive ? " (exclusive maximum)" : " (maximum)");
        }
        return null;
    }
}
