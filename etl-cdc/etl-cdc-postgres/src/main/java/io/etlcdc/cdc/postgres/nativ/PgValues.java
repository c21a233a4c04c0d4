package io.etlcdc.cdc.postgres.nativ;

import io.etlcdc.core.event.ColumnType;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * PostgreSQL's text output (what {@code pgoutput} sends, with the DateStyle ISO the JDBC driver sets)
 * turned into the product's Java values, typed by the column's type OID, the same values the
 * Debezium engine produces for these types. Stateless, thread-safe.
 *
 * <p>Values by type: int2/int4 Integer, int8 Long, numeric BigDecimal ({@code NaN} and the infinities,
 * which BigDecimal cannot hold, become null as with Debezium's precise decimal handling), bool Boolean,
 * float4 Float, float8 Double, text/varchar/char/name String, date LocalDate, time LocalTime ({@code 24:00}
 * as {@link LocalTime#MAX}), timetz String (UTC, ISO offset time), timestamp LocalDateTime,
 * timestamptz Instant, uuid String (lower case), json/jsonb String, bytea byte[], arrays List, enums
 * String. {@code infinity}/{@code -infinity} dates and timestamps: see {@link #POSITIVE_INFINITY_MICROS}.
 */
public final class PgValues {
    private PgValues() {}

    public static final int BOOL = 16;
    public static final int BYTEA = 17;
    public static final int CHAR = 18;
    public static final int NAME = 19;
    public static final int INT8 = 20;
    public static final int INT2 = 21;
    public static final int INT4 = 23;
    public static final int TEXT = 25;
    public static final int OID = 26;
    public static final int JSON = 114;
    public static final int FLOAT4 = 700;
    public static final int FLOAT8 = 701;
    public static final int BOX = 603;
    public static final int BPCHAR = 1042;
    public static final int VARCHAR = 1043;
    public static final int DATE = 1082;
    public static final int TIME = 1083;
    public static final int TIMESTAMP = 1114;
    public static final int TIMESTAMPTZ = 1184;
    public static final int TIMETZ = 1266;
    public static final int NUMERIC = 1700;
    public static final int UUID = 2950;
    public static final int JSONB = 3802;
    public static final int INTERVAL = 1186;
    public static final int MONEY = 790;

    /**
     * PostgreSQL's {@code infinity} timestamp as the JDBC driver (and so Debezium) represents it, in
     * epoch microseconds: {@code PGStatement.DATE_POSITIVE_INFINITY} (milliseconds) times 1000.
     */
    public static final long POSITIVE_INFINITY_MICROS = 9223372036825200000L;
    /** {@code -infinity}, likewise ({@code PGStatement.DATE_NEGATIVE_INFINITY}). */
    public static final long NEGATIVE_INFINITY_MICROS = -9223372036832400000L;

    /**
     * PostgreSQL's {@code infinity} date as Debezium delivers it: the server's day number {@code INT_MAX}
     * moved from PostgreSQL's epoch (2000-01-01) to the Unix epoch in 32-bit arithmetic, which wraps.
     */
    public static final LocalDate INFINITY_DATE = LocalDate.ofEpochDay((int) (Integer.MAX_VALUE + 10_957L));
    /** {@code -infinity} likewise ({@code INT_MIN}). */
    public static final LocalDate NEGATIVE_INFINITY_DATE = LocalDate.ofEpochDay(Integer.MIN_VALUE + 10_957);

    private static final Map<Integer, PgType> BUILT_IN = new HashMap<>();
    private static final DateTimeFormatter ZONED_TIME = DateTimeFormatter.ISO_OFFSET_TIME;

    static {
        scalar(BOOL, "bool", ColumnType.BOOLEAN, s -> s.length() == 1 ? s.charAt(0) == 't' : Boolean.parseBoolean(s), 1000);
        scalar(BYTEA, "bytea", ColumnType.BYTES, PgValues::bytea, 1001);
        scalar(CHAR, "char", ColumnType.STRING, s -> s, 1002);
        scalar(NAME, "name", ColumnType.STRING, s -> s, 1003);
        scalar(INT8, "int8", ColumnType.INT64, Long::parseLong, 1016);
        scalar(INT2, "int2", ColumnType.INT32, Integer::parseInt, 1005);
        scalar(INT4, "int4", ColumnType.INT32, Integer::parseInt, 1007);
        scalar(TEXT, "text", ColumnType.STRING, s -> s, 1009);
        scalar(OID, "oid", ColumnType.INT64, Long::parseLong, 1028);
        scalar(JSON, "json", ColumnType.JSON, s -> s, 199);
        scalar(FLOAT4, "float4", ColumnType.FLOAT32, Float::parseFloat, 1021);
        scalar(FLOAT8, "float8", ColumnType.FLOAT64, Double::parseDouble, 1022);
        scalar(BPCHAR, "bpchar", ColumnType.STRING, s -> s, 1014);
        scalar(VARCHAR, "varchar", ColumnType.STRING, s -> s, 1015);
        scalar(DATE, "date", ColumnType.DATE, PgValues::date, 1182);
        scalar(TIME, "time", ColumnType.TIME, PgValues::time, 1183);
        scalar(TIMESTAMP, "timestamp", ColumnType.TIMESTAMP, PgValues::timestamp, 1115);
        scalar(TIMESTAMPTZ, "timestamptz", ColumnType.TIMESTAMP_TZ, PgValues::timestamptz, 1185);
        scalar(TIMETZ, "timetz", ColumnType.STRING, PgValues::timetz, 1270);
        scalar(NUMERIC, "numeric", ColumnType.DECIMAL, PgValues::numeric, 1231);
        scalar(UUID, "uuid", ColumnType.UUID, s -> s.toLowerCase(Locale.ROOT), 2951);
        scalar(JSONB, "jsonb", ColumnType.JSON, s -> s, 3807);
        // text-like types Debezium also delivers as strings
        scalar(869, "inet", ColumnType.STRING, s -> s, 1041);
        scalar(650, "cidr", ColumnType.STRING, s -> s, 651);
        scalar(829, "macaddr", ColumnType.STRING, s -> s, 1040);
        scalar(774, "macaddr8", ColumnType.STRING, s -> s, 775);
        scalar(142, "xml", ColumnType.STRING, s -> s, 143);
        scalar(INTERVAL, "interval", ColumnType.STRING, PgValues::interval, 1187);
        scalar(MONEY, "money", ColumnType.DECIMAL, PgValues::money, 791);
    }

    private static void scalar(int oid, String name, ColumnType type, Function<String, Object> parser, int arrayOid) {
        PgType t = new PgType(oid, name, type, parser);
        BUILT_IN.put(oid, t);
        BUILT_IN.put(arrayOid, PgType.arrayOf(arrayOid, "_" + name, t));
    }

    /** The built-in type with this OID, or null when the engine does not know it by OID alone. */
    public static PgType builtIn(int oid) {
        return BUILT_IN.get(oid);
    }

    /** numeric text: a BigDecimal with the text's scale; NaN and ±Infinity give null. */
    public static Object numeric(String s) {
        char c = s.charAt(0);
        if (c == 'N' || c == 'I' || (c == '-' && s.length() > 1 && s.charAt(1) == 'I')) {
            return null;
        }
        return new BigDecimal(s);
    }

    /** money text ({@code $1,234.50}, {@code -$0.50}; currency symbol and grouping per lc_monetary) as a BigDecimal. */
    public static Object money(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c >= '0' && c <= '9') || c == '.' || c == '-') {
                sb.append(c);
            } else if (c == '(') {
                sb.append('-');
            }
        }
        return new BigDecimal(sb.toString());
    }

    /**
     * interval text in PostgreSQL's default style ({@code 1 year 2 mons 3 days 04:05:06.78}, {@code -1 days +02:00:00})
     * as Debezium's ISO-8601 text with every part ({@code P1Y2M3DT4H5M6.78S}, {@code P0Y0M-1DT2H0M0S}).
     */
    public static Object interval(String s) {
        long years = 0;
        long months = 0;
        long days = 0;
        long hours = 0;
        long minutes = 0;
        BigDecimal seconds = BigDecimal.ZERO;
        String[] parts = s.trim().split("\\s+");
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (p.indexOf(':') >= 0) {
                boolean neg = p.startsWith("-");
                String t = p.startsWith("-") || p.startsWith("+") ? p.substring(1) : p;
                String[] hms = t.split(":");
                hours = Long.parseLong(hms[0]);
                minutes = Long.parseLong(hms[1]);
                seconds = hms.length > 2 ? new BigDecimal(hms[2]) : BigDecimal.ZERO;
                if (neg) {
                    hours = -hours;
                    minutes = -minutes;
                    seconds = seconds.negate();
                }
            } else if (i + 1 < parts.length) {
                long n = Long.parseLong(p.startsWith("+") ? p.substring(1) : p);
                String unit = parts[++i];
                if (unit.startsWith("year")) {
                    years = n;
                } else if (unit.startsWith("mon")) {
                    months = n;
                } else if (unit.startsWith("day")) {
                    days = n;
                } else {
                    return s; // another IntervalStyle: keep PostgreSQL's text
                }
            } else {
                return s;
            }
        }
        String secs = seconds.signum() == 0 ? "0" : seconds.stripTrailingZeros().toPlainString();
        return "P" + years + "Y" + months + "M" + days + "DT" + hours + "H" + minutes + "M" + secs + "S";
    }

    /** bytea in hex output ({@code \x0a0b}) or the old escape format. */
    public static byte[] bytea(String s) {
        if (s.length() >= 2 && s.charAt(0) == '\\' && s.charAt(1) == 'x') {
            int n = (s.length() - 2) / 2;
            byte[] out = new byte[n];
            for (int i = 0; i < n; i++) {
                out[i] = (byte) ((Character.digit(s.charAt(2 + 2 * i), 16) << 4) | Character.digit(s.charAt(3 + 2 * i), 16));
            }
            return out;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '\\' && i + 1 < s.length() && s.charAt(i + 1) == '\\') {
                out.write('\\');
                i++;
            } else if (ch == '\\' && i + 3 < s.length()) {
                out.write(Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.write(ch);
            }
        }
        return out.toByteArray();
    }

    /** ISO date ({@code 2024-01-02}, {@code 0044-03-15 BC}); infinity as {@link #INFINITY_DATE}. */
    public static Object date(String s) {
        if (s.equals("infinity")) {
            return INFINITY_DATE;
        }
        if (s.equals("-infinity")) {
            return NEGATIVE_INFINITY_DATE;
        }
        return parseDate(s, 0, s.length());
    }

    private static LocalDate parseDate(String s, int from, int to) {
        boolean bc = s.endsWith(" BC");
        int end = bc ? to - 3 : to;
        int d1 = s.indexOf('-', from + 1);
        int d2 = s.indexOf('-', d1 + 1);
        int year = Integer.parseInt(s, from, d1, 10);
        int month = Integer.parseInt(s, d1 + 1, d2, 10);
        int day = Integer.parseInt(s, d2 + 1, Math.min(end, d2 + 3), 10);
        return LocalDate.of(bc ? 1 - year : year, month, day);
    }

    /** {@code HH:MM:SS[.ffffff]}; {@code 24:00:00} becomes {@link LocalTime#MAX}. */
    public static Object time(String s) {
        return parseTime(s, 0, s.length());
    }

    private static LocalTime parseTime(String s, int from, int to) {
        int hour = Integer.parseInt(s, from, from + 2, 10);
        int minute = Integer.parseInt(s, from + 3, from + 5, 10);
        int second = Integer.parseInt(s, from + 6, from + 8, 10);
        int nanos = 0;
        if (to > from + 8 && s.charAt(from + 8) == '.') {
            int digits = 0;
            for (int i = from + 9; i < to; i++) {
                nanos = nanos * 10 + (s.charAt(i) - '0');
                digits++;
            }
            for (; digits < 9; digits++) {
                nanos *= 10;
            }
        }
        if (hour == 24) {
            return LocalTime.MAX;
        }
        return LocalTime.of(hour, minute, second, nanos);
    }

    /** {@code YYYY-MM-DD HH:MM:SS[.ffffff][ BC]}; infinity as the driver's infinity instant. */
    public static Object timestamp(String s) {
        if (s.equals("infinity")) {
            return micros(POSITIVE_INFINITY_MICROS);
        }
        if (s.equals("-infinity")) {
            return micros(NEGATIVE_INFINITY_MICROS);
        }
        boolean bc = s.endsWith(" BC");
        int end = bc ? s.length() - 3 : s.length();
        int space = s.indexOf(' ');
        LocalDate d = parseDate(s.substring(0, space) + (bc ? " BC" : ""), 0, space + (bc ? 3 : 0));
        return LocalDateTime.of(d, parseTime(s, space + 1, end));
    }

    private static LocalDateTime micros(long epochMicros) {
        return LocalDateTime.ofEpochSecond(Math.floorDiv(epochMicros, 1_000_000L), (int) (Math.floorMod(epochMicros, 1_000_000L) * 1000L),
                ZoneOffset.UTC);
    }

    /** {@code YYYY-MM-DD HH:MM:SS[.ffffff]+HH[:MM[:SS]][ BC]} as an Instant; infinity stays text. */
    public static Object timestamptz(String s) {
        if (s.equals("infinity") || s.equals("-infinity")) {
            return s;
        }
        boolean bc = s.endsWith(" BC");
        int end = bc ? s.length() - 3 : s.length();
        int space = s.indexOf(' ');
        int sign = offsetStart(s, space + 1, end);
        LocalDate d = parseDate(s.substring(0, space) + (bc ? " BC" : ""), 0, space + (bc ? 3 : 0));
        LocalTime t = parseTime(s, space + 1, sign);
        return LocalDateTime.of(d, t).toInstant(offset(s, sign, end));
    }

    private static int offsetStart(String s, int from, int to) {
        for (int i = to - 1; i > from; i--) {
            char ch = s.charAt(i);
            if (ch == '+' || ch == '-') {
                return i;
            }
        }
        throw new IllegalArgumentException("no UTC offset in '" + s + "'");
    }

    private static ZoneOffset offset(String s, int sign, int end) {
        int neg = s.charAt(sign) == '-' ? -1 : 1;
        int h = Integer.parseInt(s, sign + 1, sign + 3, 10);
        int m = end >= sign + 6 ? Integer.parseInt(s, sign + 4, sign + 6, 10) : 0;
        int sec = end >= sign + 9 ? Integer.parseInt(s, sign + 7, sign + 9, 10) : 0;
        return ZoneOffset.ofHoursMinutesSeconds(neg * h, neg * m, neg * sec);
    }

    /** {@code HH:MM:SS[.ffffff]+HH[:MM]} as Debezium's ZonedTime text: the time in UTC, ISO offset time format. */
    public static Object timetz(String s) {
        int sign = offsetStart(s, 0, s.length());
        LocalTime t = parseTime(s, 0, sign);
        OffsetTime ot = OffsetTime.of(t, offset(s, sign, s.length())).withOffsetSameInstant(ZoneOffset.UTC);
        return ot.format(ZONED_TIME);
    }

    /**
     * An array literal ({@code {1,2,NULL}}, {@code {"a b","c\"d"}}, nested {@code {{1,2},{3,4}}}) as a
     * list, elements converted by {@code element}; an unquoted {@code NULL} is null.
     */
    public static List<Object> parseArray(String s, char delimiter, Function<String, Object> element) {
        int start = 0;
        if (s.charAt(0) == '[') {
            start = s.indexOf('=') + 1; // dimension decoration: [0:2]={...}
        }
        int[] pos = {start};
        return parseArrayLevel(s, pos, delimiter, element);
    }

    private static List<Object> parseArrayLevel(String s, int[] pos, char delimiter, Function<String, Object> element) {
        if (s.charAt(pos[0]) != '{') {
            throw new IllegalArgumentException("not an array literal: " + s);
        }
        pos[0]++;
        List<Object> out = new ArrayList<>();
        if (s.charAt(pos[0]) == '}') {
            pos[0]++;
            return out;
        }
        while (true) {
            char c = s.charAt(pos[0]);
            if (c == '{') {
                out.add(parseArrayLevel(s, pos, delimiter, element));
            } else if (c == '"') {
                StringBuilder sb = new StringBuilder();
                int i = pos[0] + 1;
                while (true) {
                    char ch = s.charAt(i);
                    if (ch == '\\') {
                        sb.append(s.charAt(i + 1));
                        i += 2;
                    } else if (ch == '"') {
                        i++;
                        break;
                    } else {
                        sb.append(ch);
                        i++;
                    }
                }
                pos[0] = i;
                out.add(element.apply(sb.toString()));
            } else {
                int i = pos[0];
                while (s.charAt(i) != delimiter && s.charAt(i) != '}') {
                    i++;
                }
                String raw = s.substring(pos[0], i).trim();
                pos[0] = i;
                out.add(raw.equals("NULL") ? null : element.apply(raw));
            }
            char next = s.charAt(pos[0]);
            pos[0]++;
            if (next == '}') {
                return out;
            }
        }
    }
}
