package io.etlcdc.cdc.mysql;

import io.etlcdc.core.config.ConfigOption;
import io.etlcdc.core.config.ConfigOptions;
import io.etlcdc.core.config.Validator;

import java.util.Set;

/** The MySQL/MariaDB-specific options of a {@code mysql} source (besides the common Debezium ones). */
public final class MySqlOptions {
    private MySqlOptions() {}

    public static final ConfigOption<Long> SERVER_ID = ConfigOptions.key("server_id")
            .longType().noDefaultValue().withValidator(Validator.range(1, 4_294_967_295L))
            .withDescription("The replica server id the source reads the binlog as; unique among the server's replicas and "
                    + "other capture clients. Default: derived from the source id (5400-6399).");

    public static final ConfigOption<Boolean> INCLUDE_QUERY = ConfigOptions.key("include_query")
            .booleanType().defaultValue(false)
            .withDescription("Read the SQL statement behind each row change (needs binlog_rows_query_log_events on MySQL or "
                    + "binlog_annotate_row_events on MariaDB); kept in Debezium's source block only.");

    public static Set<ConfigOption<?>> all() {
        return Set.of(SERVER_ID, INCLUDE_QUERY);
    }
}
