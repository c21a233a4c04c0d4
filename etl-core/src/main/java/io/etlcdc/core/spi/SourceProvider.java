package io.etlcdc.core.spi;

/**
 * Creates {@link Source}s of one type. Register in
 * {@code META-INF/services/io.etlcdc.core.spi.SourceProvider}.
 */
public interface SourceProvider extends Provider {

    /**
     * Creates a source from {@link ProviderContext#definition()}. Must not block on the network for
     * long; connectivity is checked by {@link #checkConnection}.
     */
    Source create(ProviderContext context);

    /**
     * Connects once and checks what capture needs (credentials, privileges, {@code wal_level}, binlog
     * format, tables exist), throwing an {@link io.etlcdc.core.error.EtlException} that says what to fix.
     * Default: nothing to check.
     */
    default void checkConnection(ProviderContext context) {
    }
}
