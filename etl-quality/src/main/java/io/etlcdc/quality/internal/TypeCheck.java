package io.etlcdc.quality.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.etlcdc.core.annotation.Internal;
import io.etlcdc.quality.CheckType;

import java.io.IOException;
import java.util.Collection;
import java.util.Map;

/**
 * Fails when the value is not of the required type. Dates, timestamps, e-mails, UUIDs and JSON may
 * be given as text (that is how JSON carries them); with {@code coerce} numbers and booleans may be
 * text too ({@code "42"}, {@code "true"}).
 */
@Internal
public final class TypeCheck extends Check {
    private static final JsonFactory JSON = new JsonFactory();

    private final ValueType expected;
    private final boolean coerce;

    public TypeCheck(ValueType expected, boolean coerce) {
        super(CheckType.TYPE);
        this.expected = expected;
        this.coerce = coerce;
    }

    @Override
    public String test(Object value, Evaluation ctx) {
        return switch (expected) {
            case STRING -> value instanceof CharSequence || value instanceof Character ? null : wrongType(value);
            case INTEGER -> Values.isIntegral(value)
                    || (coerce && value instanceof CharSequence s && Values.isIntegerText(s)) ? null : wrongType(value);
            case NUMBER -> number(value);
            case BOOLEAN -> value instanceof Boolean
                    || (coerce && value instanceof CharSequence s && isBooleanText(s)) ? null : wrongType(value);
            case TIMESTAMP -> timestamp(value);
            case DATE -> date(value);
            case EMAIL -> value instanceof CharSequence s ? (Emails.isValid(s) ? null : "expected an e-mail address")
                    : wrongType(value);
            case UUID -> value instanceof java.util.UUID ? null
                    : value instanceof CharSequence s ? (isUuid(s) ? null : "expected a UUID (8-4-4-4-12 hexadecimal digits)")
                    : wrongType(value);
            case JSON -> value instanceof Map<?, ?> || value instanceof Collection<?> ? null
                    : value instanceof CharSequence s ? (isJson(s.toString()) ? null : "expected JSON text") : wrongType(value);
        };
    }

    private String number(Object value) {
        if (value instanceof Number) {
            return Values.isFiniteNumber(value) ? null : "expected a finite number";
        }
        if (coerce && value instanceof String s && Values.parseDecimal(s) != null) {
            return null;
        }
        return wrongType(value);
    }

    private String timestamp(Object value) {
        if (Values.isTimestampValue(value)) {
            return null;
        }
        if (value instanceof CharSequence s) {
            return Values.parseTimestamp(s) != null ? null : "expected an ISO-8601 timestamp such as 2024-01-31T10:00:00Z";
        }
        return wrongType(value);
    }

    private String date(Object value) {
        if (value instanceof java.time.LocalDate || value instanceof java.sql.Date) {
            return null;
        }
        if (value instanceof CharSequence s) {
            return Values.parseDate(s) != null ? null : "expected an ISO-8601 date such as 2024-01-31";
        }
        return wrongType(value);
    }

    private String wrongType(Object value) {
        return "expected " + expected.apiName() + ", got " + Values.typeName(value);
    }

    private static boolean isBooleanText(CharSequence s) {
        String t = s.toString();
        return t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false");
    }

    static boolean isUuid(CharSequence s) {
        if (s.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = s.charAt(i);
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (c != '-') {
                    return false;
                }
            } else if (Character.digit(c, 16) < 0) {
                return false;
            }
        }
        return true;
    }

    static boolean isJson(String text) {
        if (text.isBlank()) {
            return false;
        }
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() == null) {
                return false;
            }
            p.skipChildren();
            // exactly one value: anything after it is an error
            return p.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    /** Checks e-mail addresses without a regex (no matcher per value). */
    static final class Emails {
        private Emails() {}

        /** local@domain with a dotted domain: labels of letters, digits and inner hyphens, a TLD of two letters or more. */
        static boolean isValid(CharSequence s) {
            int n = s.length();
            if (n < 6 || n > 254) {
                return false;
            }
            int at = -1;
            for (int i = 0; i < n; i++) {
                if (s.charAt(i) == '@') {
                    if (at >= 0) {
                        return false;
                    }
                    at = i;
                }
            }
            if (at < 1 || at > 64 || at == n - 1) {
                return false;
            }
            for (int i = 0; i < at; i++) {
                char c = s.charAt(i);
                boolean ok = Character.isLetterOrDigit(c) || ".!#$%&'*+/=?^_`{|}~-".indexOf(c) >= 0;
                if (!ok || (c == '.' && (i == 0 || i == at - 1 || s.charAt(i - 1) == '.'))) {
                    return false;
                }
            }
            int labelStart = at + 1;
            int labels = 0;
            for (int i = at + 1; i <= n; i++) {
                if (i == n || s.charAt(i) == '.') {
                    int len = i - labelStart;
                    if (len < 1 || len > 63 || s.charAt(labelStart) == '-' || s.charAt(i - 1) == '-') {
                        return false;
                    }
                    labels++;
                    if (i == n) {
                        // the top-level domain: letters only, at least two
                        if (len < 2) {
                            return false;
                        }
                        for (int j = labelStart; j < n; j++) {
                            if (!Character.isLetter(s.charAt(j))) {
                                return false;
                            }
                        }
                    }
                    labelStart = i + 1;
                } else {
                    char c = s.charAt(i);
                    if (!Character.isLetterOrDigit(c) && c != '-') {
                        return false;
                    }
                }
            }
            return labels >= 2;
        }
    }
}
