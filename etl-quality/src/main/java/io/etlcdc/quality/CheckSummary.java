package io.etlcdc.quality;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.etlcdc.core.annotation.PublicEvolving;

/**
 * The totals of a dry-run check.
 *
 * @param checked records checked
 * @param passed  records that failed no rule
 * @param failed  records that failed at least one rule
 * @param score   passed / checked; 1.0 for an empty request
 */
@PublicEvolving
@JsonPropertyOrder({"checked", "passed", "failed", "score"})
public record CheckSummary(
        @JsonProperty("checked") int checked,
        @JsonProperty("passed") int passed,
        @JsonProperty("failed") int failed,
        @JsonProperty("score") double score) {}
