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
 * <p>JSON keeps {@code output} and {@code error} even when null, as the preview API promises
 * ({@code {"output": {...} | null, "filtered": ..., "error": null | "..."}}).
 */
public record PreviewResult(@JsonProperty("output") @JsonInclude(JsonInclude.Include.ALWAYS) Map<String, Object> output,
                            @JsonProperty("filtered") boolean filtered,
                            @JsonProperty("rule_id") @JsonInclude(JsonInclude.Include.NON_NULL) String ruleId,
                            @JsonProperty("error") @JsonInclude(JsonInclude.Include.ALWAYS) String error) {
}
