package io.etlcdc.quality;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.etlcdc.core.annotation.PublicEvolving;

import java.time.Instant;
import java.util.Map;

/**
 * The live quality figures of a {@link QualityGate} at one moment, as {@code GET /api/v1/quality/metrics}
 * returns them: what happened to the records as a whole, and per rule and per asset the figures of the
 * whole run and of the last 1, 5 and 15 minutes. Immutable.
 *
 * @param generatedAt when the snapshot was taken (the gate's clock)
 * @param records     what the gate did with the records, whole run
 * @param rules       per rule id
 * @param assets      per asset ({@code <source_id>_<table>})
 */
@PublicEvolving
@JsonPropertyOrder({"generated_at", "records", "rules", "assets"})
public record QualityMetricsSnapshot(
        @JsonProperty("generated_at") Instant generatedAt,
        @JsonProperty("records") RecordCounts records,
        @JsonProperty("rules") Map<String, Series> rules,
        @JsonProperty("assets") Map<String, Series> assets) {

    public QualityMetricsSnapshot {
        rules = Map.copyOf(rules);
        assets = Map.copyOf(assets);
    }

    /**
     * What the gate did with every record it saw (whole run). Every record counts exactly once in
     * {@code passed}, {@code warned}, {@code dropped}, {@code dead_lettered}, {@code failed} or
     * {@code unchecked}; {@code checked} is the sum of all but {@code unchecked}.
     *
     * @param checked      records at least one rule checked
     * @param passed       checked and failed no rule
     * @param warned       failed only rules with action {@code warn}: passed on
     * @param dropped      dropped by a rule with action {@code drop}
     * @param deadLettered sent to the dead-letter sink by a rule with action {@code dead_letter}
     * @param failed       stopped the pipeline (action {@code fail})
     * @param unchecked    passed on without a check: no rule for their asset, TRUNCATE or DDL
     */
    @JsonPropertyOrder({"checked", "passed", "warned", "dropped", "dead_lettered", "failed", "unchecked"})
    public record RecordCounts(
            @JsonProperty("checked") long checked,
            @JsonProperty("passed") long passed,
            @JsonProperty("warned") long warned,
            @JsonProperty("dropped") long dropped,
            @JsonProperty("dead_lettered") long deadLettered,
            @JsonProperty("failed") long failed,
            @JsonProperty("unchecked") long unchecked) {}

    /** The figures of one rule or asset over the whole run and the sliding windows. */
    @JsonPropertyOrder({"total", "last_1m", "last_5m", "last_15m"})
    public record Series(
            @JsonProperty("total") Figures total,
            @JsonProperty("last_1m") Figures last1m,
            @JsonProperty("last_5m") Figures last5m,
            @JsonProperty("last_15m") Figures last15m) {}

    /**
     * Quality figures over one period.
     *
     * <p>For a rule: records it checked, passed and failed; {@code failed_by_check} has its check
     * only; the weighted score equals the score. For an asset: records checked by at least one rule,
     * records that passed every rule, records that failed at least one; {@code failed_by_check} counts
     * failed checks per check type (a record failing two checks counts in both); the weighted score is
     * the share of passing rule evaluations where each evaluation weighs its rule's severity
     * ({@link Severity#weight()}: an error weighs three warnings).
     *
     * @param checked       records checked
     * @param passed        records that passed
     * @param failed        records that failed
     * @param failedByCheck failures per check name ({@code pattern}, {@code range}, ...); only non-zero entries
     * @param score         passed / checked; 1.0 when nothing was checked
     * @param weightedScore severity-weighted share of passing evaluations; 1.0 when nothing was checked
     */
    @JsonPropertyOrder({"checked", "passed", "failed", "failed_by_check", "score", "weighted_score"})
    public record Figures(
            @JsonProperty("checked") long checked,
            @JsonProperty("passed") long passed,
            @JsonProperty("failed") long failed,
            @JsonProperty("failed_by_check") Map<String, Long> failedByCheck,
            @JsonProperty("score") double score,
            @JsonProperty("weighted_score") double weightedScore) {

        public Figures {
            failedByCheck = Map.copyOf(failedByCheck);
        }

        /** Figures of a period in which nothing was checked. */
        public static Figures empty() {
            return new Figures(0, 0, 0, Map.of(), 1.0, 1.0);
        }
    }
}
