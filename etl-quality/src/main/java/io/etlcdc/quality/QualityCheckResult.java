package io.etlcdc.quality;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.etlcdc.core.annotation.PublicEvolving;

import java.util.List;

/**
 * The answer to {@code POST /api/v1/quality/check}:
 * {@code {"results": [{"index", "passed", "failures": [...]}], "summary": {"checked", "passed", "failed", "score"}}}.
 * One result per submitted record, in order. Immutable.
 */
@PublicEvolving
@JsonPropertyOrder({"results", "summary"})
public record QualityCheckResult(
        @JsonProperty("results") List<RecordResult> results,
        @JsonProperty("summary") CheckSummary summary) {

    public QualityCheckResult {
        results = List.copyOf(results);
    }
}
