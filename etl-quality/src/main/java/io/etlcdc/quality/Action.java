package io.etlcdc.quality;

import java.util.Locale;
import java.util.Optional;

/**
 * What the quality gate does with a record that fails a rule. When a record fails several rules,
 * the strongest action wins: {@code fail} over {@code dead_letter} over {@code drop} over
 * {@code warn}. Every outcome is counted.
 */
public enum Action {
    /** Count the failure and let the record pass. */
    WARN("warn"),
    /** Count the failure and drop the record (it is not delivered; its position is committed). */
    DROP("drop"),
    /** Send the record to the dead-letter sink with the failed checks; the pipeline keeps flowing. */
    DEAD_LETTER("dead_letter"),
    /** Stop the pipeline with a status naming the rule; nothing of the batch is committed. */
    FAIL("fail");

    private final String apiName;

    Action(String apiName) {
        this.apiName = apiName;
    }

    /** The name used in YAML and JSON. */
    public String apiName() {
        return apiName;
    }

    /** Parses {@code warn}, {@code drop}, {@code dead_letter} or {@code fail} (any case); empty otherwise. */
    public static Optional<Action> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (Action a : values()) {
            if (a.apiName.equals(t)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
