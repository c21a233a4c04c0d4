package io.etlcdc.core.json;

import java.time.Instant;
import java.time.format.DateTimeFormatter;

/**
 * Writes an {@link Instant} exactly as {@link DateTimeFormatter#ISO_INSTANT} (and so Jackson's
 * {@code InstantSerializer} with dates as text) does, e.g. {@code 2026-12-07T20:56:23.589149Z}, into a
 * caller's buffer without a formatter, a {@code StringBuilder} or any date objects: change events carry
 * one or two instants each, and formatting them was a tenth of the file sink's time.
 *
 * <p>Years 1970 to 9999 take the fast path; any other instant is formatted by {@code ISO_INSTANT}.
 * {@link #parse} reads the same shape back (what Debezium writes for {@code timestamptz} values).
 */
public final class IsoInstant {
    /** Longest text of the fast path: {@code 9999-12-31T23:59:59.999999999Z}. */
    public static final int MAX_CHARS = 30;
    /** 10000-01-01T00:00:00Z: the fast path covers [epoch, this). */
    private static final long FAST_END_SECONDS = 253_402_300_800L;

    private IsoInstant() {}

    /** The instant's ISO-8601 text, as {@code DateTimeFormatter.ISO_INSTANT.format(instant)}. */
    public static String format(Instant instant) {
        char[] buf = new char[MAX_CHARS];
        int n = format(instant, buf);
        return n < 0 ? DateTimeFormatter.ISO_INSTANT.format(instant) : new String(buf, 0, n);
    }

    /**
     * Writes the instant's ISO-8601 text into {@code buf} (at least {@link #MAX_CHARS} long) from index 0.
     *
     * @return the number of chars written, or -1 when the instant is outside the fast path's years
     *         (format it with {@link #format(Instant)} then)
     */
    public static int format(Instant instant, char[] buf) {
        long seconds = instant.getEpochSecond();
        if (seconds < 0 || seconds >= FAST_END_SECONDS) {
            return -1;
        }
        long days = seconds / 86_400;
        int secondOfDay = (int) (seconds - days * 86_400);
        // civil date from days since 1970-01-01 (proleptic Gregorian), eras of 400 years
        long z = days + 719_468;
        long era = z / 146_097;
        int dayOfEra = (int) (z - era * 146_097);
        int yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        int dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        int mp = (5 * dayOfYear + 2) / 153;
        int day = dayOfYear - (153 * mp + 2) / 5 + 1;
        int month = mp < 10 ? mp + 3 : mp - 9;
        int year = (int) (yearOfEra + era * 400) + (month <= 2 ? 1 : 0);

        digits(buf, 0, year, 4);
        buf[4] = '-';
        digits(buf, 5, month, 2);
        buf[7] = '-';
        digits(buf, 8, day, 2);
        buf[10] = 'T';
        digits(buf, 11, secondOfDay / 3600, 2);
        buf[13] = ':';
        digits(buf, 14, secondOfDay / 60 % 60, 2);
        buf[16] = ':';
        digits(buf, 17, secondOfDay % 60, 2);
        int n = 19;
        int nano = instant.getNano();
        if (nano > 0) {
            buf[n++] = '.';
            if (nano % 1_000_000 == 0) {
                digits(buf, n, nano / 1_000_000, 3);
                n += 3;
            } else if (nano % 1000 == 0) {
                digits(buf, n, nano / 1000, 6);
                n += 6;
            } else {
                digits(buf, n, nano, 9);
                n += 9;
            }
        }
        buf[n++] = 'Z';
        return n;
    }

    /**
     * Reads {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} (UTC, years 1970 to 9999), e.g.
     * {@code 2026-12-07T20:56:23.589149Z}, without a parser.
     *
     * @return the instant, or null when the text has any other shape or is not a valid date and time
     *         (hand it to {@code Instant.parse} / {@code OffsetDateTime.parse} then)
     */
    public static Instant parse(String s) {
        int len = s.length();
        if (len < 20 || len > MAX_CHARS || s.charAt(len - 1) != 'Z' || s.charAt(4) != '-' || s.charAt(7) != '-'
                || s.charAt(10) != 'T' || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return null;
        }
        int year = number(s, 0, 4);
        int month = number(s, 5, 2);
        int day = number(s, 8, 2);
        int hour = number(s, 11, 2);
        int minute = number(s, 14, 2);
        int second = number(s, 17, 2);
        if (year < 1970 || month < 1 || month > 12 || day < 1 || day > monthLength(year, month)
                || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return null;
        }
        int nano = 0;
        if (len > 20) {
            int digits = len - 21;
            if (s.charAt(19) != '.' || digits < 1 || digits > 9) {
                return null;
            }
            nano = number(s, 20, digits);
            if (nano < 0) {
                return null;
            }
            for (int i = digits; i < 9; i++) {
                nano *= 10;
            }
        } else if (len != 20) {
            return null;
        }
        // days since 1970-01-01 from the civil date (the inverse of format's conversion)
        int y = month <= 2 ? year - 1 : year;
        int era = y / 400;
        int yearOfEra = y - era * 400;
        int dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        long days = era * 146_097L + dayOfEra - 719_468;
        return Instant.ofEpochSecond(days * 86_400 + hour * 3600 + minute * 60 + second, nano);
    }

    /** The decimal number in {@code s[at, at + width)}, or -1 when a char there is not a digit. */
    private static int number(String s, int at, int width) {
        int v = 0;
        for (int i = at; i < at + width; i++) {
            int d = s.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    private static int monthLength(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** {@code value} as exactly {@code width} decimal digits, zero-padded, at {@code buf[at]}. */
    private static void digits(char[] buf, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            buf[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
