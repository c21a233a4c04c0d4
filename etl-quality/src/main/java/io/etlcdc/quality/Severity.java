package io.etlcdc.quality;

import java.util.Locale;
import java.util.Optional;

/**
 * How much a failed rule matters. The weight counts in the severity-weighted quality score: an
 * error weighs three warnings.
 */
public enum Severity {
    WARNING("warning", 1),
    ERROR("error", 3);

    private final String apiName;
    private final int weight;

    Severity(String apiName, int weight) {
        this.apiName = apiName;
        this.weight = weight;
    }

    /** The name used in YAML and JSON. */
    public String apiName() {
        return apiName;
    }

    /** The weight in the severity-weighted score. */
    public int weight() {
        return weight;
    }

    /** Parses {@code warning} or {@code error} (any case); empty for anything else. */
    public static Optional<Severity> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (Severity s : values()) {
            if (s.apiName.equals(t)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
