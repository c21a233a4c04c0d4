package io.etlcdc.core.spi;

/** Creates {@link AuditLog}s. Register in {@code META-INF/services/io.etlcdc.core.spi.AuditLogProvider}. */
public interface AuditLogProvider extends Provider {

    AuditLog create(ProviderContext context);
}
