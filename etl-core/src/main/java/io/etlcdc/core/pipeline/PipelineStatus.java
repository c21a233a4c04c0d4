package io.etlcdc.core.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.etlcdc.core.metrics.MetricsSnapshot;
import io.etlcdc.core.spi.ComponentHealth;
import io.etlcdc.core.spi.SourceHealth;

import java.time.Instant;
import java.util.List;

/**
 * A point-in-time view of a pipeline for status pages and health checks.
 *
 * @param name           pipeline name
 * @param state          lifecycle state
 * @param startedAt      when it started, or null
 * @param uptimeMillis   since start, 0 when not started
 * @param failure        why it failed or stopped abnormally, or null
 * @param bufferUsed     events buffered or in flight
 * @param bufferCapacity the bound ({@code BUFFER_SIZE})
 * @param sources        per source
 * @param sinks          per sink
 * @param metrics        counters
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PipelineStatus(
        @JsonProperty("name") String name,
        @JsonProperty("state") PipelineState state,
        @JsonProperty("started_at") Instant startedAt,
        @JsonProperty("uptime_ms") long uptimeMillis,
        @JsonProperty("failure") String failure,
        @JsonProperty("buffer_used") int bufferUsed,
        @JsonProperty("buffer_capacity") int bufferCapacity,
        @JsonProperty("sources") List<SourceStatus> sources,
        @JsonProperty("sinks") List<SinkStatus> sinks,
        @JsonProperty("metrics") MetricsSnapshot metrics) {

    /**
     * One source: state, committed position, health as the source reports it, the error if it failed,
     * and the lag of the last committed batch (source commit to sink acknowledgement).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SourceStatus(
            @JsonProperty("id") String id,
            @JsonProperty("state") SourceState state,
            @JsonProperty("committed_position") String committedPosition,
            @JsonProperty("health") SourceHealth health,
            @JsonProperty("error") String error,
            @JsonProperty("lag_ms") long lagMillis) {}

    /** One sink and its health. */
    public record SinkStatus(@JsonProperty("id") String id, @JsonProperty("health") ComponentHealth health) {}
}
