package io.etlcdc.lineage.store;

import io.etlcdc.core.config.ConfigOption;
import io.etlcdc.core.config.ConfigOptions;
import io.etlcdc.core.config.Validator;
import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.spi.ProviderContext;

import javax.sql.DataSource;

/** Options and context look-ups shared by the {@code jdbc} providers. */
public final class StoreOptions {
    private StoreOptions() {}

    /** Prefix of the table names, so that several installations can share one database. */
    public static final ConfigOption<String> TABLE_PREFIX = ConfigOptions.key("table_prefix").stringType()
            .defaultValue(Jdbc.DEFAULT_PREFIX)
            .withValidator(Validator.matches(Jdbc.PREFIX.pattern(), "a lower-case identifier of at most 31 characters, e.g. etl_"))
            .withDescription("Prefix of the table names (default etl_).");

    static DataSource dataSource(ProviderContext context, String what) {
        return context.service(DataSource.class).orElseThrow(() -> new EtlException(ErrorCode.CONFIG_INVALID,
                what + " of type 'jdbc' needs a javax.sql.DataSource from the host (ProviderContext.service(DataSource.class)): "
                        + "the server offers one for the embedded H2 database under the data directory, or for DATABASE_URL; "
                        + "use type 'memory' where no database is wanted"));
    }
}
