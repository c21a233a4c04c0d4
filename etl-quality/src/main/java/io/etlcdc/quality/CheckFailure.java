package io.etlcdc.quality;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.etlcdc.core.annotation.PublicEvolving;

import java.util.Objects;

/**
 * One failed check of one record: in dry-run results and (with severity and action) in the details of
 * dead letters.
 *
 * @param ruleId the rule that failed
 * @param field  the field checked, or null for checks on the whole record
 * @param check  the check name ({@code pattern}, {@code range}, ...)
 * @param value  the value that failed, as in the record (null when null or missing)
 * @param reason why, readable
 */
@PublicEvolving
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"rule_id", "field", "check", "value", "reason"})
public record CheckFailure(
        @JsonProperty("rule_id") String ruleId,
        @JsonProperty("field") String field,
        @JsonProperty("check") String check,
        @JsonProperty("value") Object value,
        @JsonProperty("reason") String reason) {

    public CheckFailure {
        Objects.requireNonNull(ruleId, "ruleId");
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(reason, "reason");
    }
}
