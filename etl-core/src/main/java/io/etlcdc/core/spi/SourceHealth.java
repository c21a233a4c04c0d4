package io.etlcdc.core.spi;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What a source knows about itself, polled by the runtime for status, health and metrics.
 *
 * @param status           overall
 * @param connected        whether it holds a live connection to the database
 * @param lastEventAt      when the last change was received, or null
 * @param lagMillis        how far behind the database the source is, in ms, or -1 when unknown;
 *                         stays true while tables are idle (heartbeats)
 * @param message          what is wrong (with the remedy), or null
 * @param tableErrors      per-table failures (no primary key, permission denied, ...)
 * @param details          source-specific figures, e.g. {@code wal_retained_bytes} for PostgreSQL
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record SourceHealth(
        @JsonProperty("status") HealthStatus status,
        @JsonProperty("connected") boolean connected,
        @JsonProperty("last_event_at") Instant lastEventAt,
        @JsonProperty("lag_ms") long lagMillis,
        @JsonProperty("message") String message,
        @JsonProperty("table_errors") Map<String, String> tableErrors,
        @JsonProperty("details") Map<String, Object> details) {

    public SourceHealth {
        Objects.requireNonNull(status, "status");
        tableErrors = tableErrors == null ? Map.of() : Map.copyOf(tableErrors);
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    public static SourceHealth unknown() {
        return new SourceHealth(HealthStatus.UNKNOWN, false, null, -1, null, Map.of(), Map.of());
    }

    public static SourceHealth up(Instant lastEventAt, long lagMillis) {
        return new SourceHealth(HealthStatus.UP, true, lastEventAt, lagMillis, null, Map.of(), Map.of());
    }

    public static SourceHealth down(String message) {
        return new SourceHealth(HealthStatus.DOWN, false, null, -1, message, Map.of(), Map.of());
    }
}
