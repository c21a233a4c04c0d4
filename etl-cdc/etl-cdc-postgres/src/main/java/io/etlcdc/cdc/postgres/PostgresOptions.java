package io.etlcdc.cdc.postgres;

import io.etlcdc.core.config.ConfigOption;
import io.etlcdc.core.config.ConfigOptions;
import io.etlcdc.core.config.Validator;

import java.util.Set;

/** The PostgreSQL-specific options of a {@code postgresql} source (besides the common Debezium ones). */
public final class PostgresOptions {
    private PostgresOptions() {}

    private static final String IDENTIFIER = "[a-z_][a-z0-9_]{0,62}";

    public static final ConfigOption<String> SLOT_NAME = ConfigOptions.key("slot_name")
            .stringType().noDefaultValue()
            .withValidator(Validator.matches(IDENTIFIER, "a lower-case identifier of at most 63 characters ([a-z0-9_])"))
            .withDescription("Logical replication slot; created if missing, reused after restarts. Default: etl_<source id>.");

    public static final ConfigOption<String> PUBLICATION_NAME = ConfigOptions.key("publication_name")
            .stringType().noDefaultValue()
            .withValidator(Validator.matches(IDENTIFIER, "a lower-case identifier of at most 63 characters ([a-z0-9_])"))
            .withDescription("Publication holding the captured tables; created if missing and kept to the captured tables. "
                    + "Default: etl_<source id>_pub.");

    public static final ConfigOption<String> REPLICA_IDENTITY = ConfigOptions.key("replica_identity")
            .stringType().defaultValue("default").withValidator(Validator.oneOf("default", "full"))
            .withDescription("default: leave tables as they are (UPDATE/DELETE carry only the key as 'before'); full: run "
                    + "ALTER TABLE ... REPLICA IDENTITY FULL on each captured table (needs ownership) so that 'before' holds the whole old row "
                    + "and tables without a primary key can be captured.");

    public static final ConfigOption<Boolean> CAPTURE_DDL = ConfigOptions.key("capture_ddl")
            .booleanType().defaultValue(false)
            .withDescription("Install an event trigger (needs a superuser) that records DDL on captured tables into etl_cdc.ddl_log, "
                    + "which is captured too and emitted as DDL events.");

    public static final ConfigOption<Boolean> HEARTBEAT_WRITE = ConfigOptions.key("heartbeat_write")
            .booleanType().defaultValue(true)
            .withDescription("With each heartbeat, update a row in etl_cdc.heartbeat (created if missing) so that the slot moves "
                    + "even when only other databases or uncaptured tables change.");

    public static final ConfigOption<String> ENGINE = ConfigOptions.key("engine")
            .stringType().defaultValue("native").withValidator(Validator.oneOf("native", "debezium"))
            .withDescription("native: the built-in pgoutput reader (default; several times Debezium's speed, the same change "
                    + "events); debezium: the Debezium embedded engine (debezium.* properties, Debezium's snapshot modes and "
                    + "offsets). See the module README for what each covers.");

    public static final ConfigOption<Integer> SNAPSHOT_CHUNK_SIZE = ConfigOptions.key("snapshot_chunk_size")
            .intType().defaultValue(10_000).withValidator(Validator.range(1, 10_000_000))
            .withDescription("engine: native only. Rows read per primary-key chunk by the initial snapshot (a crashed snapshot "
                    + "resumes after the last delivered chunk row).");

    public static Set<ConfigOption<?>> all() {
        return Set.of(SLOT_NAME, PUBLICATION_NAME, REPLICA_IDENTITY, CAPTURE_DDL, HEARTBEAT_WRITE, ENGINE, SNAPSHOT_CHUNK_SIZE);
    }
}
