package io.etlcdc.core.spi;

/**
 * Creates {@link Sink}s of one type. Register in
 * {@code META-INF/services/io.etlcdc.core.spi.SinkProvider}.
 */
public interface SinkProvider extends Provider {

    Sink create(ProviderContext context);

    /** Connects once and checks the destination is usable; throws with what to fix. Default: nothing. */
    default void checkConnection(ProviderContext context) {
    }
}
