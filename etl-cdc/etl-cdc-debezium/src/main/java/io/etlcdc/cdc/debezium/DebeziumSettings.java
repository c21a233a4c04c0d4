package io.etlcdc.cdc.debezium;

import io.etlcdc.core.config.Configuration;
import io.etlcdc.core.config.ConnectionString;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The resolved common settings of one Debezium-based source, read once from its configuration.
 * Immutable and thread-safe.
 *
 * @param sourceId          the source's id
 * @param connection        the parsed connection string (password inside: never log it, use {@code masked()})
 * @param config            the raw configuration, for database-specific options
 * @param tables            tables or collections to capture, as the user wrote them; empty means all
 * @param snapshotMode      {@code initial}, {@code never} or {@code when_needed}
 * @param pollInterval      Debezium's poll interval
 * @param heartbeatInterval zero when heartbeats are off
 * @param commitInterval    how often acknowledged positions are confirmed to the database
 * @param retryInitialDelay first reconnect delay
 * @param retryMaxDelay     longest reconnect delay
 * @param maxRetries        reconnect attempts before failing, -1 for no limit
 * @param stallTimeout      silence while connected after which the source reports itself stalled
 * @param passThrough       {@code debezium.*} properties with the prefix removed; applied last
 */
public record DebeziumSettings(
        String sourceId,
        ConnectionString connection,
        Configuration config,
        List<String> tables,
        String snapshotMode,
        Duration pollInterval,
        Duration heartbeatInterval,
        Duration commitInterval,
        Duration retryInitialDelay,
        Duration retryMaxDelay,
        int maxRetries,
        Duration stallTimeout,
        Map<String, String> passThrough) {

    public DebeziumSettings {
        Objects.requireNonNull(sourceId, "sourceId");
        Objects.requireNonNull(config, "config");
        tables = tables == null ? List.of() : List.copyOf(tables);
        passThrough = passThrough == null ? Map.of() : Map.copyOf(passThrough);
    }

    /**
     * Reads the common options (validated: a bad value throws a {@link io.etlcdc.core.error.ConfigException}
     * naming the key).
     */
    public static DebeziumSettings from(String sourceId, ConnectionString connection, Configuration config) {
        Duration heartbeat = seconds(config.get(DebeziumOptions.HEARTBEAT_INTERVAL));
        Duration stall = seconds(config.get(DebeziumOptions.STALL_TIMEOUT));
        if (!heartbeat.isZero() && stall.compareTo(heartbeat.multipliedBy(3)) < 0) {
            stall = heartbeat.multipliedBy(3);
        }
        return new DebeziumSettings(sourceId, connection, config,
                Optional.ofNullable(config.get(DebeziumOptions.TABLES)).orElse(List.of()),
                config.get(DebeziumOptions.SNAPSHOT_MODE).toLowerCase(java.util.Locale.ROOT),
                seconds(config.get(DebeziumOptions.POLL_INTERVAL)),
                heartbeat,
                seconds(config.get(DebeziumOptions.COMMIT_INTERVAL)),
                seconds(config.get(DebeziumOptions.RETRY_INITIAL_DELAY)),
                seconds(config.get(DebeziumOptions.RETRY_MAX_DELAY)),
                config.get(DebeziumOptions.MAX_RETRIES),
                stall,
                config.withPrefix(DebeziumOptions.PASS_THROUGH_PREFIX));
    }

    /** A copy capturing only the given tables (the subset a start request names). */
    public DebeziumSettings withTables(List<String> subset) {
        return new DebeziumSettings(sourceId, connection, config, subset, snapshotMode, pollInterval, heartbeatInterval,
                commitInterval, retryInitialDelay, retryMaxDelay, maxRetries, stallTimeout, passThrough);
    }

    /** The source id reduced to {@code [a-z0-9_]}, usable in slot, publication and topic names. */
    public String sanitizedId() {
        String s = sourceId.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        return s.isEmpty() || !Character.isLetter(s.charAt(0)) ? "s_" + s : s;
    }

    public boolean heartbeatsEnabled() {
        return !heartbeatInterval.isZero();
    }

    private static Duration seconds(double s) {
        return Duration.ofMillis(Math.round(s * 1000));
    }
}
