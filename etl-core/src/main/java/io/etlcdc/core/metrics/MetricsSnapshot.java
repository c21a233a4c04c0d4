package io.etlcdc.core.metrics;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Map;

/**
 * A point-in-time copy of a pipeline's counters (totals since start).
 *
 * @param received        events accepted from sources (after dedup)
 * @param duplicates      re-delivered events dropped by dedup
 * @param delivered       events written to the sinks
 * @param filtered        events a filter rule did not keep
 * @param dropped         events a quality rule dropped
 * @param deadLettered    events sent to the dead-letter sink
 * @param batches         batches committed
 * @param eventsPerSecond processed per second over the last ten seconds
 */
public record MetricsSnapshot(
        @JsonProperty("received") long received,
        @JsonProperty("duplicates_dropped") long duplicates,
        @JsonProperty("delivered") long delivered,
        @JsonProperty("filtered") long filtered,
        @JsonProperty("dropped") long dropped,
        @JsonProperty("dead_lettered") long deadLettered,
        @JsonProperty("batches") long batches,
        @JsonProperty("events_per_second") double eventsPerSecond,
        @JsonProperty("stages") Map<String, Stage> stages,
        @JsonProperty("sinks") Map<String, SinkFigures> sinks,
        @JsonProperty("sources") Map<String, SourceFigures> sources) {

    /** Per stage: in, out and what did not go on. */
    public record Stage(@JsonProperty("in") long in, @JsonProperty("out") long out,
                        @JsonProperty("filtered") long filtered, @JsonProperty("dropped") long dropped,
                        @JsonProperty("dead_lettered") long deadLettered) {}

    /** Per sink: events written, batches, retries, failures, duration of the last write. */
    public record SinkFigures(@JsonProperty("written") long written, @JsonProperty("batches") long batches,
                              @JsonProperty("retries") long retries, @JsonProperty("failures") long failures,
                              @JsonProperty("last_write_ms") double lastWriteMillis) {}

    /**
     * Per source: received, duplicates, committed; epoch millis of the last event and commit (-1: none);
     * lag between the source's commit and the sinks' acknowledgement of the last batch (-1: unknown).
     */
    public record SourceFigures(@JsonProperty("received") long received, @JsonProperty("duplicates_dropped") long duplicates,
                                @JsonProperty("committed") long committed, @JsonProperty("last_event_ms") long lastEventMillis,
                                @JsonProperty("last_commit_ms") long lastCommitMillis, @JsonProperty("lag_ms") long lagMillis) {}
}
