package io.etlcdc.lineage.openlineage;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/**
 * An OpenLineage {@code RunEvent} (spec 2-0-2) as this product emits it. Field names are the spec's
 * camelCase, not this product's snake_case: the JSON is read by OpenLineage consumers.
 *
 * @param eventType START, COMPLETE or FAIL
 * @param eventTime ISO-8601 with offset
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunEvent(
        @JsonProperty("eventType") String eventType,
        @JsonProperty("eventTime") String eventTime,
        @JsonProperty("run") Run run,
        @JsonProperty("job") Job job,
        @JsonProperty("inputs") List<Dataset> inputs,
        @JsonProperty("outputs") List<Dataset> outputs,
        @JsonProperty("producer") String producer,
        @JsonProperty("schemaURL") String schemaUrl) {

    /** The run: a UUID per pipeline run, with run facets (e.g. {@code errorMessage}). */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Run(@JsonProperty("runId") String runId, @JsonProperty("facets") Map<String, Object> facets) {}

    /** The job: the pipeline. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Job(@JsonProperty("namespace") String namespace, @JsonProperty("name") String name,
                      @JsonProperty("facets") Map<String, Object> facets) {}

    /** An input or output dataset: a source table, or a sink's table, topic or file. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Dataset(@JsonProperty("namespace") String namespace, @JsonProperty("name") String name,
                          @JsonProperty("facets") Map<String, Object> facets) {}
}
