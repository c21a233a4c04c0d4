package io.etlcdc.quality;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.etlcdc.core.annotation.PublicEvolving;

import java.util.List;

/**
 * The outcome of one record in a dry-run check.
 *
 * @param index    the record's position in the request, from 0
 * @param passed   true when no rule failed
 * @param failures the failed checks, in rule order; empty when passed
 */
@PublicEvolving
@JsonPropertyOrder({"index", "passed", "failures"})
public record RecordResult(
        @JsonProperty("index") int index,
        @JsonProperty("passed") boolean passed,
        @JsonProperty("failures") List<CheckFailure> failures) {

    public RecordResult {
        failures = List.copyOf(failures);
    }
}
