package io.etlcdc.quality;

import java.util.Locale;
import java.util.Optional;

/** The checks a {@link QualityRule} can run; {@link #apiName()} is what users write in {@code check:}. */
public enum CheckType {
    NOT_NULL("not_null"),
    TYPE("type"),
    RANGE("range"),
    PATTERN("pattern"),
    ALLOWED_VALUES("allowed_values"),
    UNIQUE("unique"),
    FRESHNESS("freshness"),
    EXPRESSION("expression");

    private final String apiName;

    CheckType(String apiName) {
        this.apiName = apiName;
    }

    public String apiName() {
        return apiName;
    }

    /** Parses a check name (any case); empty for unknown names. */
    public static Optional<CheckType> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (CheckType c : values()) {
            if (c.apiName.equals(t)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** Every check name, comma-separated, for error messages. */
    public static String names() {
        StringBuilder sb = new StringBuilder();
        for (CheckType c : values()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(c.apiName);
        }
        return sb.toString();
    }
}
