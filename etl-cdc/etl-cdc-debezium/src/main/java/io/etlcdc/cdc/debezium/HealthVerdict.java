package io.etlcdc.cdc.debezium;

import io.etlcdc.core.spi.HealthStatus;

import java.time.Duration;
import java.time.Instant;

/**
 * The health rule every CDC engine shares (Debezium, native PostgreSQL, MongoDB driver): DOWN while not
 * connected, DOWN when connected but silent for longer than the stall timeout, DEGRADED while some
 * tables are left out, UP otherwise; with the message that explains it.
 *
 * @param status  the verdict
 * @param message why, or the engine's own problem; null when UP with nothing to say
 */
public record HealthVerdict(HealthStatus status, String message) {

    /**
     * @param connected    whether the engine holds its connection now
     * @param problem      the engine's last problem (a retry, a lost connector), or null; kept as the message
     * @param database     what it connects to, for "connecting to …"
     * @param lastActivity the last change or heartbeat; null when silence is not watched (no heartbeats)
     * @param now          the clock's now
     * @param stallTimeout silence longer than this is a stall
     * @param silence      what the stall message says, e.g. "nothing (not even a heartbeat) arrived"
     * @param notCaptured  how many tables (collections) the engine left out
     * @param unit         "table(s)" or "collection(s)"
     */
    public static HealthVerdict of(boolean connected, String problem, String database, Instant lastActivity, Instant now,
                                   Duration stallTimeout, String silence, int notCaptured, String unit) {
        if (!connected) {
            return new HealthVerdict(HealthStatus.DOWN, problem != null ? problem : "connecting to " + database);
        }
        if (lastActivity != null && Duration.between(lastActivity, now).compareTo(stallTimeout) > 0) {
            return new HealthVerdict(HealthStatus.DOWN, "stalled: connected but " + silence + " for "
                    + Duration.between(lastActivity, now).toSeconds() + " s");
        }
        if (notCaptured > 0) {
            return new HealthVerdict(HealthStatus.DEGRADED, problem != null ? problem
                    : notCaptured + " " + unit + " not captured, see table_errors");
        }
        return new HealthVerdict(HealthStatus.UP, problem);
    }
}
