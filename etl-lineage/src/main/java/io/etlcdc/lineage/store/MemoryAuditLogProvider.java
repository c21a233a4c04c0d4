package io.etlcdc.lineage.store;

import io.etlcdc.core.spi.AuditLog;
import io.etlcdc.core.spi.AuditLogProvider;
import io.etlcdc.core.spi.ProviderContext;

/** Type {@code memory}: {@link InMemoryAuditLog}, kept in memory and lost on restart. */
public final class MemoryAuditLogProvider implements AuditLogProvider {
    @Override
    public String identifier() {
        return "memory";
    }

    @Override
    public String description() {
        return "audit log in memory (lost on restart)";
    }

    @Override
    public AuditLog create(ProviderContext context) {
        return new InMemoryAuditLog();
    }
}
