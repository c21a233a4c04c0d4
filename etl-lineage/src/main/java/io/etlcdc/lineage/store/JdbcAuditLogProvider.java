package io.etlcdc.lineage.store;

import io.etlcdc.core.config.ConfigOption;
import io.etlcdc.core.spi.AuditLog;
import io.etlcdc.core.spi.AuditLogProvider;
import io.etlcdc.core.spi.ProviderContext;

import java.util.Set;

/**
 * Type {@code jdbc}: {@link JdbcAuditLog} on the {@code javax.sql.DataSource} the host offers through
 * {@link ProviderContext#service(Class)} (the embedded H2 database or PostgreSQL). Option:
 * {@code table_prefix} (default {@code etl_}).
 */
public final class JdbcAuditLogProvider implements AuditLogProvider {
    @Override
    public String identifier() {
        return "jdbc";
    }

    @Override
    public String description() {
        return "audit log in the state database (embedded H2 or PostgreSQL)";
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of(StoreOptions.TABLE_PREFIX);
    }

    @Override
    public AuditLog create(ProviderContext context) {
        context.config().validateOrThrow("audit log 'jdbc'", requiredOptions(), optionalOptions(), passThroughPrefixes());
        return new JdbcAuditLog(StoreOptions.dataSource(context, "the audit log"), context.config().get(StoreOptions.TABLE_PREFIX));
    }
}
