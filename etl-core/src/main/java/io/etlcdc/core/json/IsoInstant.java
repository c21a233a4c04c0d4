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

    /** {@code value} as exactly {@code width} decimal digits, zero-padded, at {@code buf[at]}. */
    private static void digits(char[] buf, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            buf[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
