package io.etlcdc.transform;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Map;

/**
 * What the rules did to one sample record.
 *
 * @param output   the record after every rule (null when filtered or failed)
 * @param filtered true when a filter rule dropped it; {@code filteredBy} names the rule
 * @param error    why it failed, or null; {@code ruleId} names the failing rule
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PreviewResult(@JsonProperty("output") Map<String, Object> output,
                            @JsonProperty("filtered") boolean filtered,
                            @JsonProperty("rule_id") String ruleId,
                            @JsonProperty("error") String error) {
}
