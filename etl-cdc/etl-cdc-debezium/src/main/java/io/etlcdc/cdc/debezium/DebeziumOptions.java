package io.etlcdc.cdc.debezium;

import io.etlcdc.core.config.ConfigOption;
import io.etlcdc.core.config.ConfigOptions;
import io.etlcdc.core.config.ConnectorDefinition;
import io.etlcdc.core.config.Validator;
import io.etlcdc.core.error.ConfigException.ConfigError;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The options every Debezium-based source accepts, declared once. Database modules add their own
 * (slot name, server id, ...) and list these through {@link #common()}.
 */
public final class DebeziumOptions {
    private DebeziumOptions() {}

    /** Prefix of raw Debezium/engine properties passed through unchecked (the prefix is removed). */
    public static final String PASS_THROUGH_PREFIX = "debezium.";

    public static final ConfigOption<Double> POLL_INTERVAL = ConfigOptions.key("poll_interval")
            .doubleType().defaultValue(1.0).withValidator(Validator.range(0.01, 3600))
            .withDescription("Seconds the source waits for new changes before handing over a smaller batch (Debezium poll.interval.ms).");

    public static final ConfigOption<List<String>> TABLES = ConfigOptions.key("tables")
            .stringListType().noDefaultValue()
            .withDescription("Tables (or collections) to capture; names without a schema/database use the default one.");

    public static final ConfigOption<String> SNAPSHOT_MODE = ConfigOptions.key("snapshot_mode")
            .stringType().defaultValue("initial").withValidator(Validator.oneOf("initial", "never", "when_needed"))
            .withDescription("initial: read existing rows once, then stream; never: stream only new changes; "
                    + "when_needed: snapshot when there is no position or the position to resume from is gone.");

    public static final ConfigOption<Double> HEARTBEAT_INTERVAL = ConfigOptions.key("heartbeat_interval")
            .doubleType().defaultValue(10.0).withValidator(Validator.range(0, 86_400))
            .withDescription("Seconds between heartbeats that keep the source's position at the database moving while the "
                    + "captured tables are idle; 0 turns heartbeats off.");

    public static final ConfigOption<Double> COMMIT_INTERVAL = ConfigOptions.key("commit_interval")
            .doubleType().defaultValue(1.0).withValidator(Validator.range(0.05, 3600))
            .withDescription("Seconds between confirmations to the database of what every sink acknowledged.");

    public static final ConfigOption<Double> RETRY_INITIAL_DELAY = ConfigOptions.key("retry_initial_delay")
            .doubleType().defaultValue(1.0).withValidator(Validator.range(0.01, 3600))
            .withDescription("Seconds to wait before the first reconnect after a connection loss; doubles up to retry_max_delay.");

    public static final ConfigOption<Double> RETRY_MAX_DELAY = ConfigOptions.key("retry_max_delay")
            .doubleType().defaultValue(30.0).withValidator(Validator.range(0.01, 86_400))
            .withDescription("Longest wait between reconnect attempts, in seconds.");

    public static final ConfigOption<Integer> MAX_RETRIES = ConfigOptions.key("max_retries")
            .intType().defaultValue(-1).withValidator(Validator.range(-1, Integer.MAX_VALUE))
            .withDescription("Reconnect attempts after transient failures before the source fails; -1 retries forever.");

    public static final ConfigOption<Double> STALL_TIMEOUT = ConfigOptions.key("stall_timeout")
            .doubleType().defaultValue(60.0).withValidator(Validator.range(1, 86_400))
            .withDescription("Seconds without any record or heartbeat while connected after which the source reports itself stalled "
                    + "(at least three heartbeat intervals).");

    /** The options above, for a provider's {@code optionalOptions()}. */
    /**
     * For a source with several engines: one error per {@code debezium.*} key when the definition's engine (given
     * or the option's default) is not {@code debezium}, since only Debezium reads them — refused rather than ignored.
     * Only the key is named: the values may be secrets.
     */
    public static List<ConfigError> passThroughNeedsDebezium(ConnectorDefinition definition, ConfigOption<String> engine) {
        boolean given = definition.config().containsKey(engine.key());
        Object value = given ? definition.config().get(engine.key()) : engine.defaultValue();
        List<ConfigError> errors = new ArrayList<>();
        if ("debezium".equals(value)) {
            return errors;
        }
        for (String key : definition.config().keySet()) {
            if (key.startsWith(PASS_THROUGH_PREFIX)) {
                errors.add(new ConfigError(key, null, "applies to engine: debezium only, and this source's engine is " + value
                        + (given ? "" : " (the default)") + "; set engine: debezium or remove it"));
            }
        }
        return errors;
    }

    public static Set<ConfigOption<?>> common() {
        return Set.of(POLL_INTERVAL, TABLES, SNAPSHOT_MODE, HEARTBEAT_INTERVAL, COMMIT_INTERVAL, RETRY_INITIAL_DELAY,
                RETRY_MAX_DELAY, MAX_RETRIES, STALL_TIMEOUT);
    }
}
