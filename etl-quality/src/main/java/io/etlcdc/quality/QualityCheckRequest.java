package io.etlcdc.quality;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.etlcdc.core.annotation.PublicEvolving;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /api/v1/quality/check}: records to check without touching the live
 * pipeline. Which rules run: the ones named in {@code rule_ids}; without {@code rule_ids}, the rules
 * whose target matches {@code target} or is {@code all}; with neither, every rule.
 *
 * @param records the records, each a map of column names to values
 * @param ruleIds the rules to run, or null/empty
 * @param target  an asset ({@code postgres_main_users}) or source id to pick rules by, or null
 */
@PublicEvolving
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record QualityCheckRequest(
        @JsonProperty("records") List<Map<String, Object>> records,
        @JsonProperty("rule_ids") List<String> ruleIds,
        @JsonProperty("target") String target) {

    public QualityCheckRequest {
        // records keep null values and may hold nulls for missing records; copy defensively without Map.copyOf
        records = records == null ? List.of() : Collections.unmodifiableList(records.stream()
                .map(r -> r == null ? Collections.<String, Object>emptyMap() : Collections.unmodifiableMap(new LinkedHashMap<>(r)))
                .toList());
        ruleIds = ruleIds == null ? List.of() : List.copyOf(ruleIds);
        target = target == null || target.isBlank() ? null : target.trim();
    }

    /** Records checked against the given rules. */
    public static QualityCheckRequest of(List<Map<String, Object>> records, List<String> ruleIds) {
        return new QualityCheckRequest(records, ruleIds, null);
    }
}
