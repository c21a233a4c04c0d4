package io.etlcdc.transform;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a rule did since it was added: records it ran on ({@code applied}, which includes those it
 * then filtered out), records a filter rule did not keep, and records it failed on (sent to the
 * dead-letter sink).
 */
public record RuleStats(@JsonProperty("applied") long applied, @JsonProperty("filtered") long filtered,
                        @JsonProperty("failed") long failed) {}
