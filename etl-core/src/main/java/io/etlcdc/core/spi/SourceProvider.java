package io.etlcdc.core.spi;

import java.util.Map;
import java.util.Optional;

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

    /**
     * The configuration of the Kafka Connect source connector that captures what the definition in
     * {@code context} describes, for running the pipeline on a Connect cluster instead of in this
     * process; empty when this source type cannot run there. The connector's {@code topic.prefix} is the
     * source id, so that its topics are {@code <source id>.<schema>.<table>} and every change envelope
     * names the source in {@code source.name}. Holds the connection's credentials (send it only to the
     * cluster, never log it) and nothing about converters, transformations or error handling (the
     * caller adds those). May connect to prepare the database as {@link #create} would (publication,
     * heartbeat table), throwing what {@link #checkConnection} throws. Default: empty.
     */
    default Optional<Map<String, String>> kafkaConnectConfig(ProviderContext context) {
        return Optional.empty();
    }
}
