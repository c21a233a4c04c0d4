package io.etlcdc.lineage.store;

import io.etlcdc.core.config.ConfigOption;
import io.etlcdc.core.spi.LineageStore;
import io.etlcdc.core.spi.LineageStoreProvider;
import io.etlcdc.core.spi.ProviderContext;

import java.util.Set;

/**
 * Type {@code jdbc}: {@link JdbcLineageStore} on the {@code javax.sql.DataSource} the host offers through
 * {@link ProviderContext#service(Class)} (the embedded H2 database or PostgreSQL). Option:
 * {@code table_prefix} (default {@code etl_}).
 */
public final class JdbcLineageStoreProvider implements LineageStoreProvider {
    @Override
    public String identifier() {
        return "jdbc";
    }

    @Override
    public String description() {
        return "lineage store in the state database (embedded H2 or PostgreSQL)";
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of(StoreOptions.TABLE_PREFIX);
    }

    @Override
    public LineageStore create(ProviderContext context) {
        context.config().validateOrThrow("lineage store 'jdbc'", requiredOptions(), optionalOptions(), passThroughPrefixes());
        return new JdbcLineageStore(StoreOptions.dataSource(context, "the lineage store"), context.config().get(StoreOptions.TABLE_PREFIX));
    }
}
