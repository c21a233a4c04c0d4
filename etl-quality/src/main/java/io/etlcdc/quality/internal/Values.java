package io.etlcdc.quality.internal;

import io.etlcdc.core.annotation.Internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;

/** Conversions shared by the checks: the value types of {@code ColumnType} plus what JSON gives. */
@Internal
public final class Values {
    /** ISO-8601 date and time, {@code T} or a space between them, optional offset or zone. */
    private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .append(DateTimeFormatter.ISO_LOCAL_TIME)
            .optionalStart().appendOffsetId().optionalEnd()
            .optionalStart().appendLiteral('[').appendZoneRegionId().appendLiteral(']').optionalEnd()
            .toFormatter();

    private Values() {}

    /** True for whole-number types and for decimals with no fraction. */
    public static boolean isIntegral(Object v) {
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte || v instanceof BigInteger) {
            return true;
        }
        if (v instanceof BigDecimal d) {
            return d.signum() == 0 || d.scale() <= 0 || d.stripTrailingZeros().scale() <= 0;
        }
        return false;
    }

    /** A number that is not NaN or infinite. */
    public static boolean isFiniteNumber(Object v) {
        if (v instanceof Double d) {
            return !d.isNaN() && !d.isInfinite();
        }
        if (v instanceof Float f) {
            return !f.isNaN() && !f.isInfinite();
        }
        return v instanceof Number;
    }

    /** True when the text is an optional sign followed by digits. */
    public static boolean isIntegerText(CharSequence s) {
        int n = s.length();
        int i = n > 0 && (s.charAt(0) == '+' || s.charAt(0) == '-') ? 1 : 0;
        if (i == n) {
            return false;
        }
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** The text as a decimal, or null when it is not one. */
    public static BigDecimal parseDecimal(String s) {
        try {
            return new BigDecimal(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** An ISO date ({@code 2024-01-31}), or null. */
    public static LocalDate parseDate(CharSequence s) {
        if (s.length() != 10) {
            return null;
        }
        try {
            return LocalDate.parse(s);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * An ISO timestamp ({@code 2024-01-31T10:00:00Z}, {@code 2024-01-31 10:00:00.123+01:00},
     * {@code 2024-01-31T10:00:00}) as an instant, or null. Without an offset the time is taken as UTC.
     */
    public static Instant parseTimestamp(CharSequence s) {
        if (s.length() < 16) {
            return null;
        }
        try {
            TemporalAccessor t = TIMESTAMP.parse(s);
            LocalDateTime local = LocalDateTime.of(LocalDate.from(t), java.time.LocalTime.from(t));
            if (t.isSupported(ChronoField.OFFSET_SECONDS)) {
                return local.toInstant(ZoneOffset.ofTotalSeconds(t.get(ChronoField.OFFSET_SECONDS)));
            }
            java.time.ZoneId zone = t.query(java.time.temporal.TemporalQueries.zoneId());
            return zone != null ? local.atZone(zone).toInstant() : local.toInstant(ZoneOffset.UTC);
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }

    /** True for values that are points in time (not dates alone). */
    public static boolean isTimestampValue(Object v) {
        return v instanceof Instant || v instanceof LocalDateTime || v instanceof OffsetDateTime
                || v instanceof ZonedDateTime || (v instanceof java.util.Date && !(v instanceof java.sql.Date));
    }

    /** The value as an instant (local date-times and dates taken as UTC), or null when it is not a time. */
    public static Instant toInstant(Object v) {
        if (v instanceof Instant i) {
            return i;
        }
        if (v instanceof OffsetDateTime o) {
            return o.toInstant();
        }
        if (v instanceof ZonedDateTime z) {
            return z.toInstant();
        }
        if (v instanceof LocalDateTime l) {
            return l.toInstant(ZoneOffset.UTC);
        }
        if (v instanceof LocalDate d) {
            return d.atStartOfDay(ZoneOffset.UTC).toInstant();
        }
        if (v instanceof java.sql.Date d) {
            return d.toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant();
        }
        if (v instanceof java.util.Date d) {
            return Instant.ofEpochMilli(d.getTime());
        }
        if (v instanceof CharSequence s) {
            Instant i = parseTimestamp(s);
            if (i != null) {
                return i;
            }
            LocalDate d = parseDate(s);
            return d == null ? null : d.atStartOfDay(ZoneOffset.UTC).toInstant();
        }
        return null;
    }

    /** The value as a date (the local date for zoned values, UTC for instants), or null. */
    public static LocalDate toLocalDate(Object v) {
        if (v instanceof LocalDate d) {
            return d;
        }
        if (v instanceof LocalDateTime l) {
            return l.toLocalDate();
        }
        if (v instanceof OffsetDateTime o) {
            return o.toLocalDate();
        }
        if (v instanceof ZonedDateTime z) {
            return z.toLocalDate();
        }
        if (v instanceof Instant i) {
            return LocalDate.ofInstant(i, ZoneOffset.UTC);
        }
        if (v instanceof java.sql.Date d) {
            return d.toLocalDate();
        }
        if (v instanceof java.util.Date d) {
            return LocalDate.ofInstant(Instant.ofEpochMilli(d.getTime()), ZoneOffset.UTC);
        }
        if (v instanceof CharSequence s) {
            LocalDate d = parseDate(s);
            if (d != null) {
                return d;
            }
            try {
                TemporalAccessor t = TIMESTAMP.parse(s);
                return LocalDate.from(t);
            } catch (java.time.DateTimeException e) {
                return null;
            }
        }
        return null;
    }

    /**
     * Whole numbers as Long (BigInteger beyond the long range), fractions as Double, so that 1, 1L, 1.0
     * and 1.00m compare equal; other values unchanged.
     */
    public static Object normalize(Object v) {
        if (v instanceof Long) {
            return v;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof BigInteger b) {
            return b.bitLength() < 64 ? (Object) b.longValue() : b;
        }
        if (v instanceof BigDecimal d) {
            if (isIntegral(d)) {
                BigInteger whole = d.toBigIntegerExact();
                return whole.bitLength() < 64 ? (Object) whole.longValue() : whole;
            }
            return d.doubleValue();
        }
        if (v instanceof Float f) {
            return normalizeDouble(f.doubleValue());
        }
        if (v instanceof Double d) {
            return normalizeDouble(d);
        }
        return v;
    }

    private static Object normalizeDouble(double d) {
        if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 9.007199254740992E15) {
            return (long) d;
        }
        return d;
    }

    /** The simple name of the value's type, for messages; {@code null} for null. */
    public static String typeName(Object v) {
        return v == null ? "null" : v.getClass().getSimpleName();
    }

    /** A short display of a value for messages: strings quoted, long values cut. */
    public static String display(Object v) {
        String s = v instanceof CharSequence ? "'" + v + "'" : String.valueOf(v);
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
